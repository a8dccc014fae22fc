interface CheckboxFieldProps {
  label: string;
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

export function CheckboxField({ label, name, checked, onChange }: CheckboxFieldProps) {
  return (
    <div className="field">
      <label className="checkbox">
        <input type="checkbox" name={name} checked={checked} onChange={(event) => onChange(event.target.checked)} /> {label}
      </label>
    </div>
  );
}
