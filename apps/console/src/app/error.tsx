'use client';

import { PageError } from '@/components/feedback/page-error';

export default PageError;
