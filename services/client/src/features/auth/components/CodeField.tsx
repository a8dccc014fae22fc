import { TextField, type SecretFieldProps } from '@/components/form';

/**
 * The kinds of code a two-factor step takes: the app's 6 digits, a recovery code, or either
 * one in the same box (the server tells them apart).
 */
export type CodeKind = 'app' | 'recovery' | 'either';

const CODE_INPUTS = {
  app: { name: 'code', inputMode: 'numeric', autoComplete: 'one-time-code', maxLength: 6 },
  recovery: { name: 'recovery_code', autoComplete: 'off' },
  either: { name: 'code', autoComplete: 'one-time-code' },
} as const;

/** A box for a two-factor code; its name is the field the server's messages come back under. */
export function CodeField({ kind, label, value, onChange, errors }: SecretFieldProps & { kind: CodeKind }) {
  return (
    <TextField
      label={label}
      type="text"
      {...CODE_INPUTS[kind]}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      errors={errors}
      required
    />
  );
}
