# Baseline (a) of the benchmark: the seed's "print all used chunks" GDB loop
# (seed/troubleshooting-memory.txt, "Using GDB"), adapted to the stripped Debian kamailio 5.6.3
# and to the shm or pkg heap (ROOT: _shm_root or _pkg_root). bench/seed-loop.ts fills the
# {{...}} placeholders with the root and the q_malloc offsets of /work/shared/KAMAILIO-HEAP.md
# (deliberately not kamheap's own layout profile, so a wrong profile in kamheap shows up as a
# fragment-count mismatch), then runs
#   gdb -nx --batch -iex 'set auto-load off' -iex 'set debuginfod enabled off' \
#       --command=THIS_FILE /usr/sbin/kamailio PID > seed-loop.out
#
# How it maps to the seed's loop (no DWARF, so every struct access becomes a raw cast):
#   seed: set $i=0                             ->  set $i = 0
#   seed: set $a = mem_block->first_frag       ->  $blk = ROOT.mem_block (API +{{API_MEM_BLOCK}}),
#                                                  $a = *(char **)($blk + {{FIRST_FRAG}})
#   seed: while($a < mem_block->last_frag_end) ->  $end = *(char **)($blk + {{LAST_FRAG_END}}),
#                                                  while ($a < $end{{LIMIT}})
#   seed: printf "=== non-free fragment: %d"; p $a; p (void*)($a+sizeof(struct qm_frag));
#         printf "--- content"; p *$a          ->  ONE printf per fragment: index, fragment
#                                                  address, size, file, func, line (the debug
#                                                  fields `p *$a` would show), so the output is
#                                                  one line per fragment and easy to count
#   seed: set $a = (struct qm_frag*)((char*)$a + sizeof(struct qm_frag) + $a->size
#                                    + sizeof(struct qm_frag_end))
#                                              ->  set $a = $a + {{FRAG_HEADER}} + size + {{FRAG_TRAILER}}
#   seed: set $i = $i + 1                      ->  the same
# Like the seed, it walks every fragment, free ones too (the seed's "non-free" label
# notwithstanding). Two additions: a NULL guard on file/func (printf "%s" of a NULL pointer
# is a gdb error that would end the batch run; the seed's `p *$a` prints 0x0 instead), and a
# closing SEED_END line so the benchmark can tell a complete walk from an aborted one. The
# seed's script also lacks the `end` that closes its while loop. On large heaps the benchmark
# walks only the first fragments and extrapolates: LIMIT is then " && $i < N" (else empty).
set pagination off
set confirm off
set width 0
set height 0
set $blk = *(char **) ((char *) &{{ROOT}} + {{API_MEM_BLOCK}})
set $a = *(char **) ($blk + {{FIRST_FRAG}})
set $end = *(char **) ($blk + {{LAST_FRAG_END}})
set $i = 0
while ($a < $end{{LIMIT}})
  set $size = *(unsigned long *) ($a + {{SIZE}})
  set $file = *(char **) ($a + {{FILE}})
  set $func = *(char **) ($a + {{FUNC}})
  if ($file != 0 && $func != 0)
    printf "%d %lx %lu %s %s %lu\n", $i, $a, $size, $file, $func, *(unsigned long *) ($a + {{LINE}})
  else
    printf "%d %lx %lu (null) (null) %lu\n", $i, $a, $size, *(unsigned long *) ($a + {{LINE}})
  end
  set $a = $a + {{FRAG_HEADER}} + $size + {{FRAG_TRAILER}}
  set $i = $i + 1
end
printf "SEED_END walked=%d at=%lx end=%lx\n", $i, $a, $end
