// Addresses travel as bigint and are shown as 0x-prefixed lowercase hex, as gdb and Kamailio print them.

/** 0x-prefixed lowercase hex of an address. */
export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** Parses "0x..." (or bare hex) into a bigint; undefined when it is not hex. */
export function parseHex(text: string): bigint | undefined {
  const digits = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]+$/.test(digits)) return undefined;
  return BigInt(`0x${digits}`);
}
