// The demo data set, fixed so that seeding is idempotent: rows are found again by email or by
// these constant ids, and the codes are derived from the book id, never drawn at random.

/** Who can log in after `pnpm db:seed` (printed by `pnpm dev`). Development data only. */
export const DEMO_LOGINS = [
  { role: 'ADMIN', email: 'admin@example.com', password: 'admin-demo-password' },
  { role: 'USER', email: 'alice@example.com', password: 'user-demo-password' },
  { role: 'USER', email: 'bob@example.com', password: 'user-demo-password' },
  { role: 'USER', email: 'carol@example.com', password: 'user-demo-password' },
] as const;

/** Charset of generated codes: upper case without look-alikes (0/O, 1/I/L). */
export const DEMO_CODE_CHARSET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const DEMO_CODE_LENGTH = 10;

/** A book of the demo, and how many codes it gets. */
export interface DemoBook {
  id: string;
  name: string;
  description: string;
  discountType: 'PERCENTAGE' | 'FIXED_AMOUNT';
  discountValue: string;
  /** ISO 4217; a fixed amount needs one. */
  currency: string | null;
  maxAssignmentsPerUser: number | null;
  allowMultipleRedemptions: boolean;
  maxRedemptionsPerUser: number | null;
  codeCount: number;
}

export const DEMO_BOOKS: readonly DemoBook[] = [
  {
    id: '0d3f6a0e-5c1b-4e7a-9b1e-000000000001',
    name: 'Welcome 10% off',
    description: 'Single-use welcome discount: 10% off one order.',
    discountType: 'PERCENTAGE',
    discountValue: '10',
    currency: null,
    maxAssignmentsPerUser: 5,
    allowMultipleRedemptions: false,
    maxRedemptionsPerUser: null,
    codeCount: 200,
  },
  {
    id: '0d3f6a0e-5c1b-4e7a-9b1e-000000000002',
    name: 'Coffee card',
    description: '2.50 off a coffee, up to three times per card.',
    discountType: 'FIXED_AMOUNT',
    discountValue: '2.50',
    currency: 'USD',
    maxAssignmentsPerUser: null,
    allowMultipleRedemptions: true,
    maxRedemptionsPerUser: 3,
    codeCount: 50,
  },
];

export const DEMO_POOL = {
  id: '0d3f6a0e-5c1b-4e7a-9b1e-0000000000a1',
  name: 'Early adopters',
  description: 'The first three demo shoppers.',
  memberEmails: ['alice@example.com', 'bob@example.com', 'carol@example.com'],
} as const;
