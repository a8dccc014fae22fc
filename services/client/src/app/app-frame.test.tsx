import { render } from '@testing-library/react';

import { Loading } from '@/components/ui/Loading';
import { APP_TITLE } from '@/config/constants';
import { renderApp } from '@/testing/test-utils';

import indexHtml from '../../index.html?raw';

/** The frame index.html paints before the app's code has run. */
const frame = new DOMParser().parseFromString(indexHtml, 'text/html').getElementById('root')!;
const normalized = (element: Element | null) => element?.outerHTML.replace(/>\s+</g, '><');

describe("index.html's frame", () => {
  it('is the navbar the app renders, with its brand', async () => {
    const { container } = await renderApp('/about');
    const nav = frame.querySelector('nav');

    expect(nav?.className).toBe(container.querySelector('nav')?.className);
    expect(nav?.getAttribute('aria-label')).toBe(container.querySelector('nav')?.getAttribute('aria-label'));
    expect(normalized(frame.querySelector('.navbar-brand strong'))).toBe(normalized(container.querySelector('.navbar-brand strong')));
    expect(frame.querySelector('.navbar-brand')?.textContent).toBe(APP_TITLE);
  });

  it('shows the loading state the app shows while a page loads', () => {
    const { container } = render(<Loading />);
    expect(normalized(frame.querySelector('.loading'))).toBe(normalized(container.firstElementChild));
  });

  it('sits in the same layout as the pages', async () => {
    const { container } = await renderApp('/about');
    const column = (root: Element) => root.querySelector('main#main.section > .container > .page-column');
    expect(column(frame)).not.toBeNull();
    expect(column(container)).not.toBeNull();
  });
});
