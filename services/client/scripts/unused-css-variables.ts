// Bulma 1 declares its theme as CSS custom properties: a palette of 21 shades for each colour,
// each with its inverse, in the light and the dark theme. The app's rules read about a third
// of them. A custom property that nothing reads changes nothing on the page, so the build
// drops those: PurgeCSS works one stylesheet at a time, and the theme's properties, declared
// in the shell's stylesheet, are read by the pages' stylesheets too.
import postcss, { type Declaration } from 'postcss';
import type { Plugin, Rolldown } from 'vite';

const VAR_REFERENCE = /var\(\s*(--[\w-]+)/g;

function references(value: string): string[] {
  return Array.from(value.matchAll(VAR_REFERENCE), (match) => match[1]);
}

/**
 * The stylesheets (name -> CSS) without the custom properties that no rule of any of them
 * reads, directly or through another custom property. Rules left empty go too.
 * Custom properties read by script alone would be dropped: the app reads none.
 */
export function dropUnusedVariables(sheets: ReadonlyMap<string, string>): Map<string, string> {
  const roots = new Map(Array.from(sheets, ([name, css]) => [name, postcss.parse(css, { from: name })]));
  const declarations = new Map<string, Declaration[]>();
  const read = new Set<string>();
  for (const root of roots.values()) {
    root.walkDecls((declaration) => {
      if (declaration.prop.startsWith('--')) {
        const declared = declarations.get(declaration.prop);
        if (declared) declared.push(declaration);
        else declarations.set(declaration.prop, [declaration]);
      } else {
        for (const name of references(declaration.value)) read.add(name);
      }
    });
  }
  // What a read property refers to is read as well.
  const pending = [...read];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    for (const declaration of declarations.get(name) ?? []) {
      for (const reference of references(declaration.value)) {
        if (!read.has(reference)) {
          read.add(reference);
          pending.push(reference);
        }
      }
    }
  }
  for (const [name, declared] of declarations) {
    if (!read.has(name)) for (const declaration of declared) declaration.remove();
  }
  for (const root of roots.values()) {
    root.walkRules((rule) => {
      if (rule.nodes.length === 0) rule.remove();
    });
    root.walkAtRules((atRule) => {
      if (atRule.nodes?.length === 0) atRule.remove();
    });
  }
  return new Map(Array.from(roots, ([name, root]) => [name, root.toString()]));
}

/** Applies `dropUnusedVariables` to every stylesheet of the build at once. */
export function unusedCssVariables(): Plugin {
  return {
    name: 'unused-css-variables',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const sheets = Object.values(bundle).filter(
        (file): file is Rolldown.OutputAsset => file.type === 'asset' && file.fileName.endsWith('.css'),
      );
      const text = (source: string | Uint8Array) =>
        typeof source === 'string' ? source : new TextDecoder().decode(source);
      const kept = dropUnusedVariables(new Map(sheets.map((sheet) => [sheet.fileName, text(sheet.source)])));
      for (const sheet of sheets) sheet.source = kept.get(sheet.fileName) ?? sheet.source;
    },
  };
}
