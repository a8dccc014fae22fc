import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { cspHash, inlineCriticalCss, inlineScripts, inlineSourceHashes } from './critical-css.ts';

const page = (body: string) => `<!doctype html><html><head><title>t</title></head><body>${body}</body></html>`;
const style = (html: string) => /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];

describe('The critical CSS', () => {
  it("keeps the rules of the page's own elements and no others", async () => {
    const css = '.navbar{height:3rem}.modal{display:none}.navbar .brand{color:red}.card{margin:0}';
    const html = await inlineCriticalCss(page('<nav class="navbar"><b class="brand">x</b></nav>'), css);
    expect(style(html)).toBe('.navbar{height:3rem}.navbar .brand{color:red}');
  });

  it('keeps the dark theme, which the theme script turns on before the first paint', async () => {
    const css = ':root{--bg:#fff}:root[data-theme=dark]{--bg:#111}.modal{--bg:red}body{background:var(--bg)}';
    const html = await inlineCriticalCss(page('<p>x</p>'), css);
    expect(style(html)).toBe(':root{--bg:#fff}:root[data-theme=dark]{--bg:#111}body{background:var(--bg)}');
  });

  it('drops the custom properties its rules do not read', async () => {
    const css = ':root{--read:1px;--unread:2px}p{margin:var(--read)}';
    const html = await inlineCriticalCss(page('<p>x</p>'), css);
    expect(style(html)).toBe(':root{--read:1px}p{margin:var(--read)}');
  });

  it('keeps the keyframes its animations use', async () => {
    const css = '@keyframes spin{to{transform:rotate(359deg)}}@keyframes pulse{50%{opacity:.5}}.loader{animation:spin .5s}';
    const html = await inlineCriticalCss(page('<span class="loader"></span>'), css);
    expect(style(html)).toContain('@keyframes spin{');
    expect(style(html)).not.toContain('pulse');
  });
});

describe('Inlined scripts', () => {
  it('replace the tag that loads them with their text', () => {
    const html = inlineScripts(page('<script src="/theme.js"></script>'), ['theme.js'], () => 'var $& = 1;');
    expect(html).toContain('<script>var $& = 1;</script>');
    expect(html).not.toContain('src="/theme.js"');
  });

  it('must be loaded by the page', () => {
    expect(() => inlineScripts(page(''), ['theme.js'], () => '')).toThrow('index.html has no <script src="/theme.js"></script>');
  });
});

describe('The inline sources hashes', () => {
  it("are the SHA-256 of each element's text, as Content-Security-Policy writes them", () => {
    const digest = createHash('sha256').update('a()').digest('base64');
    expect(cspHash('a()')).toBe(`'sha256-${digest}'`);
    const html = page('<script>a()</script><script src="/x.js"></script><style>p{}</style>');
    expect(inlineSourceHashes(html)).toEqual({ scripts: [cspHash('a()')], styles: [cspHash('p{}')] });
  });
});
