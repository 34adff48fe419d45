'use client';

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { upperCaseAscii } from '@coupons/rules';
import { Button } from '@/components/controls/button';
import { ProgressBar } from '@/components/feedback/progress-bar';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { describeError } from '@/lib/errors/describe-error';
import { formatCount } from '@/lib/format/format';
import styles from './code-jobs.module.css';
import { useCodeJobProgress, useGenerateCodes, useRefreshBookCodes } from './use-code-jobs';

interface Job {
  jobId: string;
  requested: number;
  status: string;
  generated: number;
}

const MAX_COUNT = 10_000_000;
/** Codes per committed chunk of a generation job (the API's GENERATE_CHUNK_SIZE): one visible step each. */
const GENERATE_STEP = 50_000;

/** Generate codes in the background and follow the job's progress live (`codeJob`). */
export function CodeGenerate({ bookId }: { bookId: string }) {
  const toast = useToast();
  const { generateCodes, loading } = useGenerateCodes(bookId);
  const [count, setCount] = useState('100');
  const [prefix, setPrefix] = useState('');
  const [suffix, setSuffix] = useState('');
  const [length, setLength] = useState('');
  const [checkCharacter, setCheckCharacter] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [job, setJob] = useState<Job | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: Record<string, string> = {};
    const n = Number(count);
    if (!/^\d+$/.test(count.trim()) || n < 1) found.count = 'Enter how many codes, at least 1.';
    else if (n > MAX_COUNT) found.count = `At most ${formatCount(MAX_COUNT)} codes at a time.`;
    if (length.trim() && (!/^\d+$/.test(length.trim()) || Number(length) < 4 || Number(length) > 32)) found.length = 'Between 4 and 32 characters, or empty for the default.';
    if (!/^[A-Za-z0-9-]*$/.test(prefix)) found.prefix = 'Letters, digits and dashes only.';
    if (!/^[A-Za-z0-9-]*$/.test(suffix)) found.suffix = 'Letters, digits and dashes only.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      const started = await generateCodes({
        count: n,
        prefix: prefix || null,
        suffix: suffix || null,
        length: length.trim() ? Number(length) : null,
        checkCharacter,
        waitForCompletion: false,
      });
      if (started) setJob({ ...started });
    } catch (failure) {
      const described = describeError(failure);
      const field = described.field?.split('.').pop();
      if (field && ['count', 'prefix', 'suffix', 'length'].includes(field)) setErrors({ [field]: described.message });
      else toast.error(failure, 'Could not start generating');
    }
  }

  const running = job !== null && job.status === 'RUNNING';

  return (
    <section className="card" aria-labelledby="generate-title">
      <h2 id="generate-title">Generate codes</h2>
      <form onSubmit={submit} className="form" noValidate>
        <div className="form__row">
          <Field id="generate-count" label="How many" error={errors.count}>
            {(c) => <input {...c} type="number" inputMode="numeric" min={1} required value={count} onChange={(e) => setCount(e.target.value)} />}
          </Field>
          <Field id="generate-length" label="Random part length" hint="Empty: the API's default." error={errors.length}>
            {(c) => <input {...c} type="number" inputMode="numeric" min={4} max={32} value={length} onChange={(e) => setLength(e.target.value)} />}
          </Field>
        </div>
        <div className="form__row">
          <Field id="generate-prefix" label="Prefix" error={errors.prefix}>
            {(c) => <input {...c} type="text" className="mono" value={prefix} onChange={(e) => setPrefix(upperCaseAscii(e.target.value))} />}
          </Field>
          <Field id="generate-suffix" label="Suffix" error={errors.suffix}>
            {(c) => <input {...c} type="text" className="mono" value={suffix} onChange={(e) => setSuffix(upperCaseAscii(e.target.value))} />}
          </Field>
        </div>
        <div className="checkbox">
          <input id="generate-check" type="checkbox" checked={checkCharacter} onChange={(e) => setCheckCharacter(e.target.checked)} />
          <label htmlFor="generate-check">Add a check character (catches mistyped codes)</label>
        </div>
        <p className="field__hint">Codes leave out look-alike characters (0/O, 1/I/L) so people can type them.</p>
        <Button variant="primary" type="submit" disabled={loading || running}>
          {loading ? 'Starting…' : running ? 'Generating…' : 'Generate'}
        </Button>
      </form>
      {job ? <JobProgress key={job.jobId} job={job} onFinished={(status, inserted) => setJob((j) => (j && j.jobId === job.jobId ? { ...j, status, generated: inserted } : j))} /> : null}
    </section>
  );
}

/** The progress of one generation job, from `codeJob` until it completes or fails. */
function JobProgress({ job, onFinished }: { job: Job; onFinished(status: string, inserted: number): void }) {
  const toast = useToast();
  const refreshCodes = useRefreshBookCodes();
  // Decided once: a job that finished inside the mutation (small counts) needs no subscription.
  const [finishedAtStart] = useState(job.status !== 'RUNNING');
  const { progress, error } = useCodeJobProgress(job.jobId, finishedAtStart);
  const status = progress?.status ?? job.status;
  const total = progress?.total || job.requested;
  const processed = progress ? progress.processed : finishedAtStart ? job.requested : job.generated;
  const inserted = progress?.inserted ?? job.generated;

  const announced = useRef(false);
  useEffect(() => {
    if (status === 'RUNNING' || announced.current) return;
    announced.current = true;
    onFinished(status, inserted);
    if (status === 'COMPLETED') toast.success(`${formatCount(inserted)} codes generated.`, 'Generation finished');
    else toast.info('Generation stopped before the end; the codes made so far are kept.', 'Generation failed');
    refreshCodes();
  }, [status, inserted, refreshCodes, toast, onFinished]);

  // The API commits codes in chunks of GENERATE_STEP and reports after each: say which one is under way.
  const steps = Math.max(1, Math.ceil(total / GENERATE_STEP));

  // The subscription went away (socket lost) while running: say so rather than freeze silently.
  const lost = error && status === 'RUNNING';

  return (
    <div data-job-status={status}>
      <ProgressBar
        tone={status === 'COMPLETED' ? 'success' : status === 'FAILED' ? 'danger' : undefined}
        label="Code generation progress"
        value={status === 'COMPLETED' ? total : processed}
        max={total}
        valueText={`${formatCount(status === 'COMPLETED' ? total : processed)} of ${formatCount(total)}`}
      />
      <p className={styles.jobStatus} role="status">
        {status === 'RUNNING' ? `Generating… step ${formatCount(Math.min(steps, Math.floor(processed / GENERATE_STEP) + 1))} of ${formatCount(steps)}` : null}
        {status === 'COMPLETED' ? `Completed: ${formatCount(inserted)} codes added.` : null}
        {status === 'FAILED' ? 'Failed. The codes made so far are kept.' : null}
        {status === 'CANCELLED' ? 'Cancelled. The codes made so far are kept.' : null}
        {lost ? ' Lost contact with the job; it continues on the server.' : null}
      </p>
    </div>
  );
}
