// The first paint of index.html's frame (navbar, "Loading…") waits for nothing but the page
// itself. The build inlines the few rules the frame uses (its critical CSS, found by Beasties)
// and the theme script, so no render-blocking request is left; the app's stylesheet loads with
// the app's code, after the first paint (src/main.tsx).
//
// Inline elements need the gateway's Content-Security-Policy to allow them by hash:
// `inlineSourceHashes` computes them, and the gateway's tests compare them with its policy.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import Beasties from 'beasties';
import type { IndexHtmlTransformContext, Plugin, ResolvedConfig, Rolldown } from 'vite';

import { dropUnusedVariables } from './unused-css-variables.ts';

export interface CriticalCssOptions {
  /** The module (from the project root) whose stylesheets style the app, imported after the first paint. */
  app: string;
  /** Classic scripts in publicDir that index.html loads in its head, inlined. */
  inlineScripts: string[];
}

const STYLE = /<style>([\s\S]*?)<\/style>/g;
const SCRIPT = /<script>([\s\S]*?)<\/script>/g;

/** `'sha256-…'` of an inline element's text, as Content-Security-Policy writes it. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The hashes an HTML page's inline scripts and styles need in its Content-Security-Policy. */
export function inlineSourceHashes(html: string): { scripts: string[]; styles: string[] } {
  return {
    scripts: Array.from(html.matchAll(SCRIPT), (match) => cspHash(match[1])),
    styles: Array.from(html.matchAll(STYLE), (match) => cspHash(match[1])),
  };
}

/**
 * The rules of `css` that the page's own elements use, inlined in its head as one <style>,
 * without the custom properties those rules do not read. Rules for the dark theme
 * (`[data-theme=dark]`, set by the theme script) are kept although the page has no such
 * attribute yet.
 */
export async function inlineCriticalCss(html: string, css: string): Promise<string> {
  const beasties = new Beasties({
    external: false,
    reduceInlineStyles: true,
    mergeStylesheets: true,
    allowRules: [/data-theme/],
    logLevel: 'warn',
  });
  const processed = await beasties.process(html.replace('</head>', `<style>${css}</style></head>`));
  return processed.replace(STYLE, (_element, rules: string) => {
    const used = dropUnusedVariables(new Map([['critical', rules]])).get('critical') ?? rules;
    return `<style>${used}</style>`;
  });
}

/** Each `<script src="/name">` of `names` replaced with the file's text. */
export function inlineScripts(html: string, names: string[], read: (name: string) => string): string {
  return names.reduce((page, name) => {
    const tag = `<script src="/${name}"></script>`;
    if (!page.includes(tag)) throw new Error(`index.html has no ${tag} to inline`);
    return page.replace(tag, () => `<script>${read(name)}</script>`);
  }, html);
}

/** The stylesheets of a chunk and of the chunks it imports, in the order they apply. */
function stylesheetsOf(chunk: Rolldown.OutputChunk, bundle: Rolldown.OutputBundle, seen = new Set<string>()): string[] {
  if (seen.has(chunk.fileName)) return [];
  seen.add(chunk.fileName);
  const imported = chunk.imports.flatMap((name) => {
    const file = bundle[name];
    return file?.type === 'chunk' ? stylesheetsOf(file, bundle, seen) : [];
  });
  return [...imported, ...chunk.viteMetadata!.importedCss];
}

export function criticalCss(options: CriticalCssOptions): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'critical-css',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    transformIndexHtml: {
      order: 'post',
      async handler(html: string, context: IndexHtmlTransformContext) {
        const bundle = context.bundle!;
        const appModule = path.resolve(config.root, options.app);
        const app = Object.values(bundle).find(
          (file): file is Rolldown.OutputChunk => file.type === 'chunk' && file.facadeModuleId === appModule,
        );
        if (!app) throw new Error(`${options.app} is not a chunk of the build: is it imported dynamically?`);
        const css = stylesheetsOf(app, bundle)
          .map((name) => {
            const sheet = bundle[name] as Rolldown.OutputAsset;
            return typeof sheet.source === 'string' ? sheet.source : new TextDecoder().decode(sheet.source);
          })
          .join('\n');
        const withScripts = inlineScripts(html, options.inlineScripts, (name) =>
          readFileSync(path.join(config.publicDir, name), 'utf8'),
        );
        return inlineCriticalCss(withScripts, css);
      },
    },
  };
}
