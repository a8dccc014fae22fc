import { afterFirstPaint } from './first-paint';

describe('afterFirstPaint', () => {
  it('waits for the next frame, and then for the task after it', () => {
    vi.useFakeTimers();
    const frames: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback));
    const start = vi.fn();

    afterFirstPaint(start);
    expect(start).not.toHaveBeenCalled();
    frames[0]!(performance.now());
    expect(start).not.toHaveBeenCalled();
    vi.runAllTimers();
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('starts at once in a hidden tab, which paints nothing', () => {
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    const frame = vi.spyOn(window, 'requestAnimationFrame');
    const start = vi.fn();

    afterFirstPaint(start);
    expect(start).toHaveBeenCalledTimes(1);
    expect(frame).not.toHaveBeenCalled();
  });
});
