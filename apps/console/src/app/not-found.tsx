import Link from 'next/link';
import { StatusPage } from '@/components/feedback/status-page';

export default function NotFound() {
  return (
    <StatusPage as="main" code="404" title="Page not found">
      <p>There is nothing at this address.</p>
      <Link className="btn btn--primary" href="/">
        Go to the console
      </Link>
    </StatusPage>
  );
}
