import { TextField } from './TextField';

export interface SecretFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Messages from the server for this field. */
  errors?: string[] | undefined;
}

/** The account's current password, asked again before a change that needs it. */
export function CurrentPasswordField({ label, value, onChange, errors }: SecretFieldProps) {
  return (
    <TextField
      label={label}
      name="password"
      type="password"
      autoComplete="current-password"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      errors={errors}
      required
    />
  );
}

