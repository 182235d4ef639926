"use client";

import { useEffect, useState } from "react";

/** The value, updated only after it stopped changing for `delayMs` (for search-as-you-type queries). */
export function useDebouncedValue<T>(value: T, delayMs = 250): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}
