import { render, screen } from '@testing-library/react';

import { APP_TITLE } from '@/config/constants';

import { Page } from './Page';

describe('Page', () => {
  it('shows its title as the heading and in the browser tab, above its content', () => {
    const { unmount } = render(
      <Page title="Example">
        <p>Content</p>
      </Page>,
    );

    const heading = screen.getByRole('heading', { level: 1, name: 'Example' });
    expect(document.title).toBe(`Example · ${APP_TITLE}`);
    expect(heading.nextElementSibling?.tagName).toBe('HR');
    expect(heading.nextElementSibling?.nextElementSibling).toBe(screen.getByText('Content'));

    unmount();
    expect(document.title).toBe(APP_TITLE);
  });
});
