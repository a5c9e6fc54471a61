// Loaded into the action with NODE_OPTIONS=--import=<this file>: `new Date()` and `Date.now()`
// return FROZEN_TIME, so temporary names (stamped with the present) are known in advance.
const frozen = Date.parse(process.env.FROZEN_TIME ?? "");
if (Number.isNaN(frozen)) throw new Error(`FROZEN_TIME is not a time: ${process.env.FROZEN_TIME}`);
const RealDate = Date;
class FrozenDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(frozen);
    else super(...args);
  }
  static now() {
    return frozen;
  }
}
globalThis.Date = FrozenDate;
