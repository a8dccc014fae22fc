import { useId, type FormEvent, type ReactNode } from 'react';

import { ValidationList } from '@/components/form';
import type { RuleResult } from '@/lib/validation';

interface SettingsFormProps {
  /** The form's heading, which also names the form. */
  title: string;
  /** The form's rules, met or not, listed above its fields under `rulesLabel`. */
  rules: RuleResult[];
  rulesLabel: string;
  onSubmit: (event: FormEvent) => void;
  /** The fields and the submit button. */
  children: ReactNode;
}

/** One section of the settings page: a boxed form under its own heading, its rules above its fields. */
export function SettingsForm({ title, rules, rulesLabel, onSubmit, children }: SettingsFormProps) {
  const headingId = useId();
  return (
    <form className="box" onSubmit={onSubmit} noValidate aria-labelledby={headingId}>
      <h2 id={headingId} className="title is-4">
        {title}
      </h2>
      <ValidationList results={rules} label={rulesLabel} />
      {children}
    </form>
  );
}
