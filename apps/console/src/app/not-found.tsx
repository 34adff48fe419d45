import { ButtonLink } from '@/components/controls/button';
import { StatusPage } from '@/components/feedback/status-page';

export default function NotFound() {
  return (
    <StatusPage as="main" code="404" title="Page not found">
      <p>There is nothing at this address.</p>
      <ButtonLink variant="primary" href="/">
        Go to the console
      </ButtonLink>
    </StatusPage>
  );
}
