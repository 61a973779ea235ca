// Addresses travel as bigint and are shown as 0x-prefixed lowercase hex, as gdb and Kamailio print them.

/** 0x-prefixed lowercase hex of an address. */
export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

