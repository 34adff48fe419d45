// Runs before every console unit test file (vitest project `console`, happy-dom).
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Testing Library cleans up by itself only when test globals are on; they are not here.
afterEach(() => cleanup());
