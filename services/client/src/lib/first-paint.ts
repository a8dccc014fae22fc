/**
 * Runs `start` once the browser has painted what the HTML already holds (the app's frame in
 * index.html), so the page shows something before the app's code does its first render.
 * A hidden tab paints nothing and gets no animation frames: there it runs at once.
 */
export function afterFirstPaint(start: () => void): void {
  if (document.visibilityState === 'hidden') start();
  else requestAnimationFrame(() => setTimeout(start));
}
