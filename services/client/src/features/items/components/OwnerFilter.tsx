import { useId, useState, type FormEvent } from 'react';

import '@/styles/forms.scss';

interface OwnerFilterProps {
  /** The owner whose items are listed, or null for the admin's own. */
  ownerId: number | null;
  onChange: (ownerId: number | null) => void;
}

/** An owner id is a positive whole number; anything else is no filter. */
export function parseOwnerId(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Lets an admin list another user's items by the owner's user id. */
export function OwnerFilter({ ownerId, onChange }: OwnerFilterProps) {
  const id = useId();
  const [value, setValue] = useState(ownerId === null ? '' : String(ownerId));
  const wanted = parseOwnerId(value);
  const blank = value.trim() === '';
  const invalid = !blank && wanted === null;
  const errorId = `${id}-errors`;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onChange(blank ? null : wanted);
  };

  return (
    <form className="owner-filter" role="search" aria-label="Filter by owner" onSubmit={onSubmit} noValidate>
      <label className="label" htmlFor={id}>
        Owner ID
      </label>
      <div className="field has-addons">
        <div className="control">
          <input
            id={id}
            name="owner_id"
            className={`input${invalid ? ' is-danger' : ''}`}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            placeholder="Your own items"
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? errorId : undefined}
            value={value}
            onChange={(event) => setValue(event.target.value)}
          />
        </div>
        <div className="control">
          <button type="submit" className="button is-info" disabled={invalid}>
            Filter
          </button>
        </div>
        {ownerId !== null && (
          <div className="control">
            <button
              type="button"
              className="button"
              onClick={() => {
                setValue('');
                onChange(null);
              }}
            >
              Show my items
            </button>
          </div>
        )}
      </div>
      {invalid && (
        <p id={errorId} className="help is-danger">
          An owner ID is a whole number above 0.
        </p>
      )}
    </form>
  );
}
