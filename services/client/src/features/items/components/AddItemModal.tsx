import { useState, type ChangeEvent } from 'react';

import { useSubmit, ValidationList } from '@/components/form';
import { FormModal } from '@/components/form/FormModal';
import { createItem } from '@/lib/api/items';
import { allValid, checkRules, itemRules, type ItemField } from '@/lib/validation';

import { ItemFields } from './ItemFields';

interface AddItemModalProps {
  onClose: () => void;
  onAdded: (message: string) => void;
}

export function AddItemModal({ onClose, onAdded }: AddItemModalProps) {
  const [values, setValues] = useState<Record<ItemField, string>>({ title: '', description: '' });
  const submission = useSubmit(() => createItem(values), { onSuccess: ({ message }) => onAdded(message) });
  const results = checkRules(itemRules, values);

  const onChange = (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setValues({ ...values, [event.target.name]: event.target.value });

  return (
    <FormModal title="Add Item" submitLabel="Add" submission={submission} submitDisabled={!allValid(results)} onClose={onClose}>
      <ValidationList results={results} />
      <ItemFields values={values} errors={submission.fieldErrors} onChange={onChange} />
    </FormModal>
  );
}
