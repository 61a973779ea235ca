# kamheap {{TOOL_VERSION}}: walk the {{KIND}} heap of Kamailio PID {{PID}}
# allocator {{ALLOCATOR}}, layout {{LAYOUT_ID}} ({{LAYOUT_SOURCE}}), fragments {{FROM}} <= i < {{TO_TEXT}}
#
# Generated from gdb-scripts/walk-fragments.gdb. Read-only: it only reads memory and prints.
# By hand:  gdb -nx --batch -iex 'set auto-load off' --command=walk.gdb {{EXECUTABLE}} {{PID}} > walk.out
#           kamheap parse walk.out
# One line per fragment: KH_F index frag size free line<TAB>file<TAB>function<TAB>module
#
# The walk is two commands: kh_walk_start reads the heap header, kh_walk_batch N walks N more
# fragments. Run by hand, the end of this file runs the whole walk. kamheap's script walker
# sources the file while the target still runs (only the definitions take effect then), attaches,
# and calls kh_walk_batch again and again: between two batches it can stop the walk and detach
# cleanly, so it never has to interrupt gdb.
set pagination off
set confirm off
set width 0
set print elements 0

# Prints the heap's KH_BEGIN and KH_HEAP lines and sets up the walk (the target must be stopped).
define kh_walk_start
  printf "KH_BEGIN format=1 pid={{PID}} kind={{KIND}} layout={{LAYOUT_ID}} source={{LAYOUT_SOURCE}} header={{HEADER_SIZE}} user={{USER_OFFSET}} overhead={{FRAG_OVERHEAD}} debug={{DEBUG_FIELDS}} from={{FROM}} to={{TO}} root={{ROOT_SYMBOL}}\n"
  # The heap is reached through {{ROOT_SYMBOL}}: {{ROOT_ORIGIN}}.
  {{SET_BLOCK}}
  set $kh_a = {{FIRST_FRAG}}
  set $kh_end = {{WALK_END}}
  printf "KH_HEAP mname={{MNAME_FORMAT}} block=%lx size=%lu used=%lu real_used=%lu max_real_used=%lu first=%lx end=%lx\n", {{MNAME_ARG}}$kh_block, {{HEAP_TOTALS}}, $kh_a, $kh_end
  # The walk lands exactly on the heap end: the walk end plus the trailer size, if fragments have one.
  set $kh_heap_end = $kh_end + {{TRAILER_SIZE}}
  set $kh_i = 0
  set $kh_ok = 1
  set $kh_pf = 0
  set $kh_done = 0
end

{{TYPE_LEGEND}}
# Walks up to $arg0 more fragments; prints KH_END (and sets $kh_done) once the walk is over.
# Few commands per fragment: gdb parses each one again for every fragment and looks up every name
# in it (a type costs milliseconds on a build with debug info), so the loop names no type or member
# and reads the fields at their offsets, numbers only. `||` short-circuits, so the check words are
# only read once the size has been found inside the heap (the first bound catches sizes so large
# that the second would wrap around).
define kh_walk_batch
  set $kh_stop = $kh_i + $arg0
  while ($kh_a < $kh_end && $kh_i < {{TO}} && $kh_i < $kh_stop)
    set $kh_size = {{FRAG_SIZE}}
    {{SET_TRAILER}}
    if ($kh_size > $kh_heap_end - $kh_a || $kh_a + {{OVERHEAD}} + $kh_size > $kh_heap_end || $kh_size % {{ROUND_TO}} != 0 || {{CHECKS_BROKEN}})
      if ($kh_size > $kh_heap_end - $kh_a || $kh_a + {{OVERHEAD}} + $kh_size > $kh_heap_end)
        printf "KH_BAD %d %lx size-out-of-bounds size=%lu\n", $kh_i, $kh_a, $kh_size
      else
        if ($kh_size % {{ROUND_TO}} != 0)
          printf "KH_BAD %d %lx size-misaligned size=%lu\n", $kh_i, $kh_a, $kh_size
        else
          printf "KH_BAD %d %lx check-pattern{{CHECKS_FORMAT}}\n", $kh_i, $kh_a{{CHECKS_ARGS}}
        end
      end
      set $kh_ok = 0
      loop_break
    end
    if ($kh_i >= {{FROM}})
      {{PRINT_FRAGMENT}}
    end
    {{TRACK_PREV_FREE}}
    set $kh_a = $kh_a + {{OVERHEAD}} + $kh_size
    set $kh_i = $kh_i + 1
  end
  if (!$kh_ok || $kh_a >= $kh_end || $kh_i >= {{TO}})
    if ($kh_ok && $kh_i < {{TO}} && $kh_a != $kh_heap_end)
      printf "KH_BAD %d %lx walk-error stopped at %lx, not at the heap end %lx\n", $kh_i, $kh_a, $kh_a, $kh_heap_end
      set $kh_ok = 0
    end
    printf "KH_END walked=%d at=%lx ok=%d\n", $kh_i, $kh_a, $kh_ok
    set $kh_done = 1
  end
end

# Run by hand: the whole walk. (kamheap's walker sets $kh_driven and drives the batches itself.)
if $_isvoid($kh_driven)
  kh_walk_start
  while (!$kh_done)
    kh_walk_batch 1000000
  end
end
