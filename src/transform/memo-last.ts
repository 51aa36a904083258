// A batch shares one receipt time: values derived from it are computed once per batch, not per
// event, by remembering the last argument and its result.
export function memoLast<A, R>(compute: (arg: A) => R): (arg: A) => R {
  let lastArg: A | undefined;
  let lastResult: R | undefined;
  let primed = false;
  return (arg) => {
    if (!primed || arg !== lastArg) {
      lastArg = arg;
      lastResult = compute(arg);
      primed = true;
    }
    return lastResult as R;
  };
}
