import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="forbidden" id="main">
      <p className="forbidden__code" aria-hidden="true">
        404
      </p>
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link className="btn btn--primary" href="/">
        Go to the console
      </Link>
    </main>
  );
}
