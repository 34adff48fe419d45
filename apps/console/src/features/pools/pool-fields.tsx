import { INPUT_LIMITS } from '@coupons/rules';
import { CharCounter } from '@/components/forms/char-counter';
import { Field } from '@/components/forms/field';

interface PoolFieldsProps {
  name: string;
  description: string;
  onName(value: string): void;
  onDescription(value: string): void;
  nameError?: string | null;
  descriptionError?: string | null;
  /** The name input says it is required (the settings of a pool that has one). */
  required?: boolean;
}

/** A pool's name and description, with their counters: the new-pool form and a pool's settings. */
export function PoolFields({ name, description, onName, onDescription, nameError, descriptionError, required = false }: PoolFieldsProps) {
  return (
    <>
      <Field id="pool-name" label="Name" hint={<CharCounter value={name} max={INPUT_LIMITS.poolName} />} error={nameError}>
        {(c) => <input {...c} type="text" required={required} value={name} onChange={(e) => onName(e.target.value)} />}
      </Field>
      <Field
        id="pool-description"
        label="Description"
        hint={
          <>
            Optional. <CharCounter value={description} max={INPUT_LIMITS.poolDescription} />
          </>
        }
        error={descriptionError}
      >
        {(c) => <textarea {...c} rows={2} value={description} onChange={(e) => onDescription(e.target.value)} />}
      </Field>
    </>
  );
}
