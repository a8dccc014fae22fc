import { useState, type ChangeEvent } from 'react';

import { useSubmit, ValidationList } from '@/components/form';
import { FormModal } from '@/components/form/FormModal';
import { updateItem } from '@/lib/api/items';
import type { Item, ItemUpdate } from '@/lib/api/types';
import { allValid, checkRules, itemRules, type ItemField } from '@/lib/validation';

import { ItemFields } from './ItemFields';
import { whenFound } from './when-found';

interface EditItemModalProps {
  item: Item;
  onClose: () => void;
  onSaved: (message: string) => void;
  /** The item no longer exists: the service's message. */
  onGone: (message: string) => void;
}

export function EditItemModal({ item, onClose, onSaved, onGone }: EditItemModalProps) {
  const [values, setValues] = useState<Record<ItemField, string>>({ title: item.title, description: item.description });
  const results = checkRules(itemRules, values);

  // Only what changed is sent.
  const changes: ItemUpdate = {};
  if (values.title !== item.title) changes.title = values.title;
  if (values.description !== item.description) changes.description = values.description;
  const changed = Object.keys(changes).length > 0;

  const submission = useSubmit(() => whenFound(() => updateItem(item.id, changes), onGone), {
    onSuccess: (saved) => saved && onSaved(saved.message),
  });

  const onChange = (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setValues({ ...values, [event.target.name]: event.target.value });

  return (
    <FormModal
      title={`Edit ${item.title}`}
      submitLabel="Save"
      submission={submission}
      submitDisabled={!allValid(results) || !changed}
      onClose={onClose}
    >
      <ValidationList results={results} />
      <ItemFields values={values} errors={submission.fieldErrors} onChange={onChange} />
    </FormModal>
  );
}
