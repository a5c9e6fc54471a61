/**
 * Python's round(x, n) for floats: half to even on the exact binary value, so
 * `round(2.675, 2)` is 2.67 and `round(2.5)` is 2, as the `round` filter gives in dbt.
 */
export function pythonRound(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const negative = x < 0;
  const { mantissa, exponent } = decompose(Math.abs(x));
  // |x| = mantissa * 2^exponent = scaled / 10^places exactly.
  const places = exponent < 0 ? -exponent : 0;
  const scaled = exponent < 0 ? mantissa * 5n ** BigInt(places) : mantissa * 2n ** BigInt(exponent);
  const drop = places - digits;
  if (drop <= 0) return x;
  const unit = 10n ** BigInt(drop);
  let quotient = scaled / unit;
  const remainder = scaled % unit;
  const half = unit / 2n;
  if (remainder > half || (remainder === half && quotient % 2n === 1n)) quotient += 1n;
  const rounded = Number(`${quotient}e${-digits}`);
  return negative ? -rounded : rounded;
}

function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0
    ? { mantissa: fraction, exponent: -1074 }
    : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}
