import type { RuleResult } from '@/lib/validation';

import '@/styles/forms.scss';

export function ValidationList({ results, label = 'Form rules' }: { results: RuleResult[]; label?: string }) {
  return (
    <ul className="validation-list" aria-label={label}>
      {results.map((result) => (
        <li key={result.id} className={result.valid ? 'success' : 'error'}>
          {result.text}
        </li>
      ))}
    </ul>
  );
}
