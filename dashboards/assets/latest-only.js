// Only the newest request of a view may draw: starting one aborts the one before, and a late
// answer of an aborted request is ignored (pure: imported by tests).

export function latestOnly() {
  let current = null;
  return {
    /** A new request: the previous one is aborted. */
    next() {
      current?.abort();
      const controller = new AbortController();
      current = controller;
      return { signal: controller.signal, isCurrent: () => current === controller && !controller.signal.aborted };
    },
    cancel() {
      current?.abort();
      current = null;
    },
  };
}
