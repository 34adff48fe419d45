/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query BookPicker($search: String, $first: Int) {\n    books(search: $search, first: $first, status: ACTIVE) {\n      edges {\n        node {\n          id\n          name\n          discountType\n          discountValue\n          currency\n          isActive\n          counts {\n            unassigned\n          }\n        }\n      }\n    }\n  }\n": typeof types.BookPickerDocument,
    "\n  fragment ApiKeyTableRow on ApiKey {\n    id\n    name\n    prefix\n    scopes\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiKeyTableRowFragmentDoc,
    "\n  query ApiKeys($first: Int, $after: String) {\n    apiKeysConnection(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...ApiKeyTableRow\n        }\n      }\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      apiKey {\n        ...ApiKeyTableRow\n      }\n      secret\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyTableRow\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query AssignPreviewCoupon($code: String!) {\n    coupon(code: $code) {\n      id\n      code\n      state\n      updatedAt\n      user {\n        id\n        email\n        externalId\n      }\n      book {\n        id\n        name\n        isActive\n      }\n    }\n  }\n": typeof types.AssignPreviewCouponDocument,
    "\n  query AssignPreviewBook($id: ID!) {\n    book(id: $id) {\n      id\n      name\n      isActive\n      maxAssignmentsPerUser\n      counts {\n        unassigned\n      }\n    }\n  }\n": typeof types.AssignPreviewBookDocument,
    "\n  query AssignFindUser($search: String!) {\n    users(search: $search, first: 5) {\n      edges {\n        node {\n          id\n          email\n          externalId\n        }\n      }\n    }\n  }\n": typeof types.AssignFindUserDocument,
    "\n  mutation AdminAssignCoupon($code: String!, $userId: ID!, $idempotencyKey: String) {\n    assignCoupon(code: $code, userId: $userId, idempotencyKey: $idempotencyKey) {\n      id\n      code\n      state\n      updatedAt\n    }\n  }\n": typeof types.AdminAssignCouponDocument,
    "\n  mutation AdminAssignRandomCoupon($bookId: ID!, $userId: ID!, $idempotencyKey: String) {\n    assignRandomCoupon(bookId: $bookId, userId: $userId, idempotencyKey: $idempotencyKey) {\n      id\n      code\n      state\n      updatedAt\n    }\n  }\n": typeof types.AdminAssignRandomCouponDocument,
    "\n  fragment AuditLogRow on AuditLogEntry {\n    id\n    action\n    actorId\n    apiKeyId\n    targetType\n    targetId\n    changes\n    createdAt\n  }\n": typeof types.AuditLogRowFragmentDoc,
    "\n  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...AuditLogRow\n        }\n      }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  query Me {\n    me {\n      id\n      email\n      role\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...Session\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Register($email: String!, $password: String!) {\n    register(email: $email, password: $password) {\n      ...Session\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  fragment BookBudgetFields on Book {\n    currency\n    maxTotalRedemptions\n    maxTotalDiscountAmount\n    redeemedTotal\n    discountTotal\n  }\n": typeof types.BookBudgetFieldsFragmentDoc,
    "\n  fragment BookFacts on Book {\n    discountType\n    discountValue\n    currency\n    validFrom\n    validUntil\n    maxAssignmentsPerUser\n    allowMultipleRedemptions\n    maxRedemptionsPerUser\n    lockTtlSeconds\n  }\n": typeof types.BookFactsFragmentDoc,
    "\n  fragment BookFormFields on Book {\n    updatedAt\n    name\n    description\n    ...BookFacts\n    currency\n    minOrderAmount\n    maxTotalRedemptions\n    maxTotalDiscountAmount\n    metadata\n  }\n": typeof types.BookFormFieldsFragmentDoc,
    "\n  fragment BookStatsCounts on Book {\n    counts {\n      unassigned\n      assigned\n      locked\n      redeemed\n    }\n  }\n": typeof types.BookStatsCountsFragmentDoc,
    "\n  fragment BookSummaryFields on Book {\n    id\n    updatedAt\n    name\n    discountType\n    discountValue\n    currency\n    validUntil\n    isActive\n  }\n": typeof types.BookSummaryFieldsFragmentDoc,
    "\n  fragment BookTableRow on Book {\n    id\n    updatedAt\n    name\n    discountType\n    discountValue\n    currency\n    validFrom\n    validUntil\n    isActive\n    status\n    counts {\n      unassigned\n      assigned\n      locked\n      redeemed\n      total\n    }\n  }\n": typeof types.BookTableRowFragmentDoc,
    "\n  fragment UploadReportFields on UploadCodesResult {\n    inserted\n    duplicateCount\n    invalidCount\n    duplicates {\n      line\n      code\n      reason\n    }\n    invalid {\n      line\n      code\n      reason\n    }\n  }\n": typeof types.UploadReportFieldsFragmentDoc,
    "\n  fragment CouponRow on Coupon {\n    id\n    code\n    state\n    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).\n    updatedAt\n    lockExpiresAt\n    redemptionCount\n    assignedAt\n    user {\n      id\n      email\n    }\n  }\n": typeof types.CouponRowFragmentDoc,
    "\n  fragment RedemptionChartBucket on RedemptionBucket {\n    at\n    redemptions\n    reversals\n  }\n": typeof types.RedemptionChartBucketFragmentDoc,
    "\n  fragment ClaimChartBucket on ClaimBucket {\n    at\n    claims\n  }\n": typeof types.ClaimChartBucketFragmentDoc,
    "\n  fragment RedemptionRow on Redemption {\n    id\n    redeemedAt\n    reversedAt\n    reversalReason\n    coupon {\n      id\n      code\n    }\n    user {\n      id\n      email\n    }\n  }\n": typeof types.RedemptionRowFragmentDoc,
    "\n  query BookCoupons(\n    $bookId: ID!\n    $first: Int\n    $after: String\n    $state: CouponState\n    $email: String\n    $codePrefix: String\n    $assignedAfter: DateTime\n    $assignedBefore: DateTime\n  ) {\n    coupons(\n      bookId: $bookId\n      first: $first\n      after: $after\n      state: $state\n      email: $email\n      codePrefix: $codePrefix\n      assignedAfter: $assignedAfter\n      assignedBefore: $assignedBefore\n    ) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...CouponRow\n        }\n      }\n    }\n  }\n": typeof types.BookCouponsDocument,
    "\n  subscription BookCouponEvents($bookId: ID!) {\n    couponEvents(bookId: $bookId) {\n      id\n      type\n      at\n      serverTime\n      fromState\n      toState\n      coupon {\n        ...CouponRow\n      }\n    }\n  }\n": typeof types.BookCouponEventsDocument,
    "\n  query BookRedemptions(\n    $bookId: ID!\n    $first: Int\n    $after: String\n    $email: String\n    $codePrefix: String\n    $redeemedAfter: DateTime\n    $redeemedBefore: DateTime\n    $reversed: Boolean\n  ) {\n    redemptions(\n      bookId: $bookId\n      first: $first\n      after: $after\n      email: $email\n      codePrefix: $codePrefix\n      redeemedAfter: $redeemedAfter\n      redeemedBefore: $redeemedBefore\n      reversed: $reversed\n    ) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...RedemptionRow\n        }\n      }\n    }\n  }\n": typeof types.BookRedemptionsDocument,
    "\n  subscription BookRedemptionEvents($bookId: ID!) {\n    redemptionEvents(bookId: $bookId) {\n      id\n      reversedAt\n    }\n  }\n": typeof types.BookRedemptionEventsDocument,
    "\n  mutation ReverseRedemption($redemptionId: ID!, $reason: String!) {\n    reverseRedemption(redemptionId: $redemptionId, reason: $reason) {\n      ...RedemptionRow\n      coupon {\n        id\n        state\n        redemptionCount\n      }\n    }\n  }\n": typeof types.ReverseRedemptionDocument,
    "\n  subscription BookStatsLive($bookId: ID!) {\n    bookStats(bookId: $bookId) {\n      bookId\n      unassigned\n      assigned\n      locked\n      redeemed\n      activeLocks\n      redemptionsLastMinute\n      serverTime\n    }\n  }\n": typeof types.BookStatsLiveDocument,
    "\n  fragment BookStatusFields on Book {\n    id\n    updatedAt\n    status\n    statusChangedAt\n    isActive\n    validFrom\n    validUntil\n  }\n": typeof types.BookStatusFieldsFragmentDoc,
    "\n  mutation PauseBook($id: ID!) {\n    pauseBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n": typeof types.PauseBookDocument,
    "\n  mutation ResumeBook($id: ID!) {\n    resumeBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n": typeof types.ResumeBookDocument,
    "\n  mutation ArchiveBook($id: ID!) {\n    archiveBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n": typeof types.ArchiveBookDocument,
    "\n  mutation DeleteBook($id: ID!) {\n    deleteBook(id: $id)\n  }\n": typeof types.DeleteBookDocument,
    "\n  query BookSummary($id: ID!) {\n    book(id: $id) {\n      id\n      ...BookSummaryFields\n    }\n  }\n": typeof types.BookSummaryDocument,
    "\n  query BookDetail($id: ID!) {\n    book(id: $id) {\n      id\n      name\n      description\n      isActive\n      ...BookStatusFields\n      ...BookFacts\n      ...BookBudgetFields\n      ...BookStatsCounts\n    }\n  }\n": typeof types.BookDetailDocument,
    "\n  query BookForEdit($id: ID!) {\n    book(id: $id) {\n      id\n      ...BookFormFields\n    }\n  }\n": typeof types.BookForEditDocument,
    "\n  mutation CreateBook($input: CreateBookInput!) {\n    createBook(input: $input) {\n      id\n      ...BookFormFields\n    }\n  }\n": typeof types.CreateBookDocument,
    "\n  mutation UpdateBook($id: ID!, $input: UpdateBookInput!) {\n    updateBook(id: $id, input: $input) {\n      id\n      ...BookFormFields\n    }\n  }\n": typeof types.UpdateBookDocument,
    "\n  query Books($first: Int, $after: String, $search: String, $status: BookStatus) {\n    books(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...BookTableRow\n        }\n      }\n    }\n  }\n": typeof types.BooksDocument,
    "\n  mutation UploadCodes($bookId: ID!, $csv: String!) {\n    uploadCodes(bookId: $bookId, csv: $csv) {\n      ...UploadReportFields\n    }\n  }\n": typeof types.UploadCodesDocument,
    "\n  mutation UploadCodeList($bookId: ID!, $codes: [String!]!) {\n    uploadCodes(bookId: $bookId, codes: $codes) {\n      jobId\n      ...UploadReportFields\n    }\n  }\n": typeof types.UploadCodeListDocument,
    "\n  mutation CancelCodeJob($jobId: ID!) {\n    cancelCodeJob(jobId: $jobId) {\n      jobId\n      status\n    }\n  }\n": typeof types.CancelCodeJobDocument,
    "\n  mutation GenerateCodes($bookId: ID!, $input: GenerateCodesInput!) {\n    generateCodes(bookId: $bookId, input: $input) {\n      jobId\n      status\n      requested\n      generated\n    }\n  }\n": typeof types.GenerateCodesDocument,
    "\n  subscription CodeJobProgress($jobId: ID!) {\n    codeJob(jobId: $jobId) {\n      jobId\n      status\n      total\n      processed\n      inserted\n      duplicates\n      invalid\n      error\n    }\n  }\n": typeof types.CodeJobProgressDocument,
    "\n  query BookRedemptionsOverTime($id: ID!, $from: DateTime, $bucket: TimeBucket!) {\n    book(id: $id) {\n      id\n      redemptionsOverTime(from: $from, bucket: $bucket) {\n        ...RedemptionChartBucket\n      }\n      claimsOverTime(from: $from, bucket: $bucket) {\n        ...ClaimChartBucket\n      }\n    }\n  }\n": typeof types.BookRedemptionsOverTimeDocument,
    "\n  subscription BookActivityChanged($bookId: ID!) {\n    couponEvents(bookId: $bookId) {\n      id\n    }\n  }\n": typeof types.BookActivityChangedDocument,
    "\n  fragment CouponDetailFields on Coupon {\n    id\n    code\n    state\n    assignedAt\n    lockExpiresAt\n    redemptionCount\n    createdAt\n    updatedAt\n    bookId\n    book {\n      id\n      name\n    }\n    user {\n      id\n      email\n      externalId\n    }\n  }\n": typeof types.CouponDetailFieldsFragmentDoc,
    "\n  fragment CouponTimelineEntry on CouponEvent {\n    id\n    type\n    at\n    reason\n    fromState\n    toState\n    actor {\n      id\n      email\n      externalId\n    }\n  }\n": typeof types.CouponTimelineEntryFragmentDoc,
    "\n  query CouponLookup($code: String!) {\n    coupon(code: $code) {\n      id\n      code\n    }\n  }\n": typeof types.CouponLookupDocument,
    "\n  query CouponDetail($code: String!) {\n    coupon(code: $code) {\n      ...CouponDetailFields\n    }\n  }\n": typeof types.CouponDetailDocument,
    "\n  query CouponTimeline($code: String!, $first: Int, $after: String) {\n    coupon(code: $code) {\n      id\n      events(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...NextPage\n        }\n        edges {\n          cursor\n          node {\n            ...CouponTimelineEntry\n          }\n        }\n      }\n    }\n  }\n": typeof types.CouponTimelineDocument,
    "\n  subscription CouponChanged($code: String!) {\n    couponEvents(code: $code) {\n      id\n      coupon {\n        ...CouponDetailFields\n      }\n    }\n  }\n": typeof types.CouponChangedDocument,
    "\n  mutation VoidCoupon($code: String!, $reason: String!) {\n    voidCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n": typeof types.VoidCouponDocument,
    "\n  mutation UnassignCoupon($code: String!, $reason: String!) {\n    unassignCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n": typeof types.UnassignCouponDocument,
    "\n  mutation ForceUnlockCoupon($code: String!, $reason: String) {\n    forceUnlockCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n": typeof types.ForceUnlockCouponDocument,
    "\n  mutation UpdateCoupon($code: String!, $input: UpdateCouponInput!) {\n    updateCoupon(code: $code, input: $input) {\n      ...CouponDetailFields\n    }\n  }\n": typeof types.UpdateCouponDocument,
    "\n  query LivePinCandidates($search: String!) {\n    books(first: 8, search: $search) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.LivePinCandidatesDocument,
    "\n  fragment RedemptionFeedItem on Redemption {\n    ...RedemptionRow\n    bookId\n  }\n": typeof types.RedemptionFeedItemFragmentDoc,
    "\n  fragment LiveBookTile on Book {\n    id\n    updatedAt\n    name\n    status\n    validFrom\n    validUntil\n    ...BookStatsCounts\n  }\n": typeof types.LiveBookTileFragmentDoc,
    "\n  query LiveBooks($window: Int, $first: Int) {\n    busiestBooks(window: $window, first: $first) {\n      events\n      book {\n        ...LiveBookTile\n      }\n    }\n    pinnedBooks {\n      ...LiveBookTile\n    }\n  }\n": typeof types.LiveBooksDocument,
    "\n  mutation PinBook($bookId: ID!) {\n    pinBook(bookId: $bookId) {\n      ...LiveBookTile\n    }\n  }\n": typeof types.PinBookDocument,
    "\n  mutation UnpinBook($bookId: ID!) {\n    unpinBook(bookId: $bookId) {\n      ...LiveBookTile\n    }\n  }\n": typeof types.UnpinBookDocument,
    "\n  query LiveFeed($redemptions: Int, $reversals: Int) {\n    redemptions(first: $redemptions) {\n      edges {\n        node {\n          ...RedemptionFeedItem\n        }\n      }\n    }\n    reversals: redemptions(first: $reversals, reversed: true) {\n      edges {\n        node {\n          ...RedemptionFeedItem\n        }\n      }\n    }\n  }\n": typeof types.LiveFeedDocument,
    "\n  subscription RedemptionFeed {\n    redemptionEvents {\n      ...RedemptionFeedItem\n    }\n  }\n": typeof types.RedemptionFeedDocument,
    "\n  fragment MyCoupon on Coupon {\n    id\n    code\n    state\n    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).\n    updatedAt\n    lockExpiresAt\n    redemptionCount\n    assignedAt\n    bookId\n  }\n": typeof types.MyCouponFragmentDoc,
    "\n  mutation ClaimRandomCoupon($bookId: ID!, $idempotencyKey: String) {\n    assignRandomCoupon(bookId: $bookId, idempotencyKey: $idempotencyKey) {\n      ...MyCoupon\n    }\n  }\n": typeof types.ClaimRandomCouponDocument,
    "\n  mutation ClaimCouponByCode($code: String!) {\n    assignCoupon(code: $code) {\n      ...MyCoupon\n    }\n  }\n": typeof types.ClaimCouponByCodeDocument,
    "\n  query MyCoupons($first: Int, $after: String) {\n    myCoupons(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        node {\n          ...MyCoupon\n          # The cards' book headlines come with the list (the cache redirect of Query.book finds\n          # them), not in a second round trip per book after it.\n          book {\n            id\n            ...BookSummaryFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.MyCouponsDocument,
    "\n  mutation LockMyCoupon($code: String!, $idempotencyKey: String) {\n    lockCoupon(code: $code, idempotencyKey: $idempotencyKey) {\n      ...MyCoupon\n    }\n  }\n": typeof types.LockMyCouponDocument,
    "\n  mutation UnlockMyCoupon($code: String!) {\n    unlockCoupon(code: $code) {\n      ...MyCoupon\n    }\n  }\n": typeof types.UnlockMyCouponDocument,
    "\n  mutation RedeemMyCoupon($code: String!, $idempotencyKey: String) {\n    redeemCoupon(code: $code, idempotencyKey: $idempotencyKey) {\n      id\n      redeemedAt\n      coupon {\n        ...MyCoupon\n      }\n    }\n  }\n": typeof types.RedeemMyCouponDocument,
    "\n  subscription MyCouponEvents {\n    couponEvents {\n      id\n      type\n      serverTime\n      coupon {\n        ...MyCoupon\n      }\n    }\n  }\n": typeof types.MyCouponEventsDocument,
    "\n  fragment DistributionPreviewFields on DistributionPreview {\n    mode\n    requested\n    perMember\n    remainder\n    leftInBook\n    available\n    totalAssigned\n    shortfall\n    seed\n    perUser {\n      userId\n      count\n      extra\n      skippedReason\n      user {\n        id\n        email\n      }\n    }\n  }\n": typeof types.DistributionPreviewFieldsFragmentDoc,
    "\n  fragment PoolTableRow on Pool {\n    id\n    name\n    description\n    memberCount\n  }\n": typeof types.PoolTableRowFragmentDoc,
    "\n  fragment PoolMemberRow on User {\n    id\n    email\n    role\n  }\n": typeof types.PoolMemberRowFragmentDoc,
    "\n  mutation PreviewDistribution($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!, $remainder: DistributionRemainder) {\n    previewDistribution(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count, remainder: $remainder) {\n      ...DistributionPreviewFields\n    }\n  }\n": typeof types.PreviewDistributionDocument,
    "\n  mutation DistributeToPool(\n    $poolId: ID!\n    $bookId: ID!\n    $mode: DistributionMode!\n    $count: Int!\n    $remainder: DistributionRemainder\n    $seed: String\n    $idempotencyKey: String\n  ) {\n    distributeToPool(\n      poolId: $poolId\n      bookId: $bookId\n      mode: $mode\n      count: $count\n      remainder: $remainder\n      seed: $seed\n      idempotencyKey: $idempotencyKey\n    ) {\n      id\n      mode\n      requested\n      assigned\n      remainder\n      createdAt\n    }\n  }\n": typeof types.DistributeToPoolDocument,
    "\n  query PoolDetail($id: ID!) {\n    pool(id: $id) {\n      id\n      name\n      description\n      memberCount\n    }\n  }\n": typeof types.PoolDetailDocument,
    "\n  query PoolMembers($id: ID!, $first: Int, $after: String) {\n    pool(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...NextPage\n        }\n        edges {\n          cursor\n          node {\n            ...PoolMemberRow\n          }\n        }\n      }\n    }\n  }\n": typeof types.PoolMembersDocument,
    "\n  mutation AddPoolMembers($poolId: ID!, $emails: [String!], $userIds: [ID!]) {\n    addPoolMembers(poolId: $poolId, emails: $emails, userIds: $userIds) {\n      id\n      memberCount\n      unknownEmails\n    }\n  }\n": typeof types.AddPoolMembersDocument,
    "\n  mutation RemovePoolMembers($poolId: ID!, $userIds: [ID!]!) {\n    removePoolMembers(poolId: $poolId, userIds: $userIds) {\n      id\n      memberCount\n    }\n  }\n": typeof types.RemovePoolMembersDocument,
    "\n  query UserSuggestions($emailContains: String, $first: Int) {\n    users(emailContains: $emailContains, first: $first) {\n      edges {\n        node {\n          ...PoolMemberRow\n        }\n      }\n    }\n  }\n": typeof types.UserSuggestionsDocument,
    "\n  mutation UpdatePool($id: ID!, $input: UpdatePoolInput!) {\n    updatePool(id: $id, input: $input) {\n      id\n      name\n      description\n    }\n  }\n": typeof types.UpdatePoolDocument,
    "\n  mutation DeletePool($id: ID!) {\n    deletePool(id: $id)\n  }\n": typeof types.DeletePoolDocument,
    "\n  query Pools($first: Int, $after: String) {\n    pools(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...PoolTableRow\n        }\n      }\n    }\n  }\n": typeof types.PoolsDocument,
    "\n  mutation CreatePool($name: String!, $description: String) {\n    createPool(name: $name, description: $description) {\n      ...PoolTableRow\n    }\n  }\n": typeof types.CreatePoolDocument,
    "\n  query AdminUsers($search: String, $role: Role, $disabled: Boolean, $first: Int, $after: String) {\n    users(search: $search, role: $role, disabled: $disabled, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...UserTableRow\n        }\n      }\n    }\n  }\n": typeof types.AdminUsersDocument,
    "\n  fragment UserAccount on User {\n    id\n    email\n    externalId\n    role\n    createdAt\n    ...UserAdminFields\n  }\n": typeof types.UserAccountFragmentDoc,
    "\n  fragment UserWithCoupons on User {\n    ...UserAccount\n    coupons(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...UserCouponRow\n        }\n      }\n    }\n  }\n": typeof types.UserWithCouponsFragmentDoc,
    "\n  query UserCoupons($email: String!, $first: Int, $after: String) {\n    userByEmail(email: $email) {\n      ...UserWithCoupons\n    }\n  }\n": typeof types.UserCouponsDocument,
    "\n  query CustomerAccount($externalId: String!, $first: Int, $after: String) {\n    userByExternalId(externalId: $externalId) {\n      ...UserWithCoupons\n    }\n  }\n": typeof types.CustomerAccountDocument,
    "\n  fragment UserAdminFields on User {\n    id\n    email\n    externalId\n    role\n    disabled\n    disabledAt\n  }\n": typeof types.UserAdminFieldsFragmentDoc,
    "\n  mutation SetUserRole($userId: ID!, $role: Role!) {\n    setUserRole(userId: $userId, role: $role) {\n      ...UserAdminFields\n    }\n  }\n": typeof types.SetUserRoleDocument,
    "\n  mutation DisableUser($userId: ID!) {\n    disableUser(userId: $userId) {\n      ...UserAdminFields\n    }\n  }\n": typeof types.DisableUserDocument,
    "\n  mutation EnableUser($userId: ID!) {\n    enableUser(userId: $userId) {\n      ...UserAdminFields\n    }\n  }\n": typeof types.EnableUserDocument,
    "\n  mutation EraseUser($userId: ID!) {\n    eraseUser(userId: $userId)\n  }\n": typeof types.EraseUserDocument,
    "\n  fragment UserTableRow on User {\n    id\n    email\n    externalId\n    role\n    disabled\n    createdAt\n  }\n": typeof types.UserTableRowFragmentDoc,
    "\n  fragment UserCouponRow on Coupon {\n    ...MyCoupon\n  }\n": typeof types.UserCouponRowFragmentDoc,
    "\n  fragment WebhookDeliveryRow on WebhookDelivery {\n    id\n    eventId\n    messageId\n    eventType\n    status\n    inFlight\n    attempts\n    nextAttemptAt\n    lastAttemptAt\n    responseStatus\n    responseBody\n    latencyMs\n    lastError\n    deliveredAt\n    createdAt\n  }\n": typeof types.WebhookDeliveryRowFragmentDoc,
    "\n  fragment WebhookEndpointRow on WebhookEndpoint {\n    id\n    url\n    description\n    events\n    bookId\n    enabled\n    disabledReason\n    failingSince\n    createdAt\n  }\n": typeof types.WebhookEndpointRowFragmentDoc,
    "\n  query WebhookEndpoints($first: Int, $after: String) {\n    webhookEndpoints(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...WebhookEndpointRow\n        }\n      }\n    }\n  }\n": typeof types.WebhookEndpointsDocument,
    "\n  query WebhookEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      ...WebhookEndpointRow\n      updatedAt\n      previousSecretExpiresAt\n    }\n  }\n": typeof types.WebhookEndpointDocument,
    "\n  query WebhookDeliveries($endpointId: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        node {\n          ...WebhookDeliveryRow\n        }\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      endpoint {\n        ...WebhookEndpointRow\n      }\n      secret\n    }\n  }\n": typeof types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      ...WebhookEndpointRow\n    }\n  }\n": typeof types.UpdateWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n": typeof types.DeleteWebhookEndpointDocument,
    "\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      endpoint {\n        ...WebhookEndpointRow\n        previousSecretExpiresAt\n      }\n      secret\n    }\n  }\n": typeof types.RotateWebhookSecretDocument,
    "\n  mutation SendTestWebhook($id: ID!) {\n    sendTestWebhook(id: $id) {\n      ...WebhookDeliveryRow\n    }\n  }\n": typeof types.SendTestWebhookDocument,
    "\n  mutation RedeliverWebhook($deliveryId: ID!) {\n    redeliverWebhook(deliveryId: $deliveryId) {\n      ...WebhookDeliveryRow\n    }\n  }\n": typeof types.RedeliverWebhookDocument,
    "\n  fragment NextPage on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": typeof types.NextPageFragmentDoc,
    "\n  fragment Session on AuthPayload {\n    token\n    expiresAt\n    user {\n      id\n      email\n      role\n    }\n  }\n": typeof types.SessionFragmentDoc,
    "\n  mutation RefreshSession {\n    refreshSession {\n      ...Session\n    }\n  }\n": typeof types.RefreshSessionDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  fragment ErrorExtensionsFields on ErrorExtensions {\n    code\n    field\n    fields\n    retryAfterSeconds\n    retryable\n    requestId\n  }\n": typeof types.ErrorExtensionsFieldsFragmentDoc,
};
const documents: Documents = {
    "\n  query BookPicker($search: String, $first: Int) {\n    books(search: $search, first: $first, status: ACTIVE) {\n      edges {\n        node {\n          id\n          name\n          discountType\n          discountValue\n          currency\n          isActive\n          counts {\n            unassigned\n          }\n        }\n      }\n    }\n  }\n": types.BookPickerDocument,
    "\n  fragment ApiKeyTableRow on ApiKey {\n    id\n    name\n    prefix\n    scopes\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiKeyTableRowFragmentDoc,
    "\n  query ApiKeys($first: Int, $after: String) {\n    apiKeysConnection(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...ApiKeyTableRow\n        }\n      }\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      apiKey {\n        ...ApiKeyTableRow\n      }\n      secret\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyTableRow\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query AssignPreviewCoupon($code: String!) {\n    coupon(code: $code) {\n      id\n      code\n      state\n      updatedAt\n      user {\n        id\n        email\n        externalId\n      }\n      book {\n        id\n        name\n        isActive\n      }\n    }\n  }\n": types.AssignPreviewCouponDocument,
    "\n  query AssignPreviewBook($id: ID!) {\n    book(id: $id) {\n      id\n      name\n      isActive\n      maxAssignmentsPerUser\n      counts {\n        unassigned\n      }\n    }\n  }\n": types.AssignPreviewBookDocument,
    "\n  query AssignFindUser($search: String!) {\n    users(search: $search, first: 5) {\n      edges {\n        node {\n          id\n          email\n          externalId\n        }\n      }\n    }\n  }\n": types.AssignFindUserDocument,
    "\n  mutation AdminAssignCoupon($code: String!, $userId: ID!, $idempotencyKey: String) {\n    assignCoupon(code: $code, userId: $userId, idempotencyKey: $idempotencyKey) {\n      id\n      code\n      state\n      updatedAt\n    }\n  }\n": types.AdminAssignCouponDocument,
    "\n  mutation AdminAssignRandomCoupon($bookId: ID!, $userId: ID!, $idempotencyKey: String) {\n    assignRandomCoupon(bookId: $bookId, userId: $userId, idempotencyKey: $idempotencyKey) {\n      id\n      code\n      state\n      updatedAt\n    }\n  }\n": types.AdminAssignRandomCouponDocument,
    "\n  fragment AuditLogRow on AuditLogEntry {\n    id\n    action\n    actorId\n    apiKeyId\n    targetType\n    targetId\n    changes\n    createdAt\n  }\n": types.AuditLogRowFragmentDoc,
    "\n  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...AuditLogRow\n        }\n      }\n    }\n  }\n": types.AuditLogDocument,
    "\n  query Me {\n    me {\n      id\n      email\n      role\n    }\n  }\n": types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...Session\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Register($email: String!, $password: String!) {\n    register(email: $email, password: $password) {\n      ...Session\n    }\n  }\n": types.RegisterDocument,
    "\n  fragment BookBudgetFields on Book {\n    currency\n    maxTotalRedemptions\n    maxTotalDiscountAmount\n    redeemedTotal\n    discountTotal\n  }\n": types.BookBudgetFieldsFragmentDoc,
    "\n  fragment BookFacts on Book {\n    discountType\n    discountValue\n    currency\n    validFrom\n    validUntil\n    maxAssignmentsPerUser\n    allowMultipleRedemptions\n    maxRedemptionsPerUser\n    lockTtlSeconds\n  }\n": types.BookFactsFragmentDoc,
    "\n  fragment BookFormFields on Book {\n    updatedAt\n    name\n    description\n    ...BookFacts\n    currency\n    minOrderAmount\n    maxTotalRedemptions\n    maxTotalDiscountAmount\n    metadata\n  }\n": types.BookFormFieldsFragmentDoc,
    "\n  fragment BookStatsCounts on Book {\n    counts {\n      unassigned\n      assigned\n      locked\n      redeemed\n    }\n  }\n": types.BookStatsCountsFragmentDoc,
    "\n  fragment BookSummaryFields on Book {\n    id\n    updatedAt\n    name\n    discountType\n    discountValue\n    currency\n    validUntil\n    isActive\n  }\n": types.BookSummaryFieldsFragmentDoc,
    "\n  fragment BookTableRow on Book {\n    id\n    updatedAt\n    name\n    discountType\n    discountValue\n    currency\n    validFrom\n    validUntil\n    isActive\n    status\n    counts {\n      unassigned\n      assigned\n      locked\n      redeemed\n      total\n    }\n  }\n": types.BookTableRowFragmentDoc,
    "\n  fragment UploadReportFields on UploadCodesResult {\n    inserted\n    duplicateCount\n    invalidCount\n    duplicates {\n      line\n      code\n      reason\n    }\n    invalid {\n      line\n      code\n      reason\n    }\n  }\n": types.UploadReportFieldsFragmentDoc,
    "\n  fragment CouponRow on Coupon {\n    id\n    code\n    state\n    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).\n    updatedAt\n    lockExpiresAt\n    redemptionCount\n    assignedAt\n    user {\n      id\n      email\n    }\n  }\n": types.CouponRowFragmentDoc,
    "\n  fragment RedemptionChartBucket on RedemptionBucket {\n    at\n    redemptions\n    reversals\n  }\n": types.RedemptionChartBucketFragmentDoc,
    "\n  fragment ClaimChartBucket on ClaimBucket {\n    at\n    claims\n  }\n": types.ClaimChartBucketFragmentDoc,
    "\n  fragment RedemptionRow on Redemption {\n    id\n    redeemedAt\n    reversedAt\n    reversalReason\n    coupon {\n      id\n      code\n    }\n    user {\n      id\n      email\n    }\n  }\n": types.RedemptionRowFragmentDoc,
    "\n  query BookCoupons(\n    $bookId: ID!\n    $first: Int\n    $after: String\n    $state: CouponState\n    $email: String\n    $codePrefix: String\n    $assignedAfter: DateTime\n    $assignedBefore: DateTime\n  ) {\n    coupons(\n      bookId: $bookId\n      first: $first\n      after: $after\n      state: $state\n      email: $email\n      codePrefix: $codePrefix\n      assignedAfter: $assignedAfter\n      assignedBefore: $assignedBefore\n    ) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...CouponRow\n        }\n      }\n    }\n  }\n": types.BookCouponsDocument,
    "\n  subscription BookCouponEvents($bookId: ID!) {\n    couponEvents(bookId: $bookId) {\n      id\n      type\n      at\n      serverTime\n      fromState\n      toState\n      coupon {\n        ...CouponRow\n      }\n    }\n  }\n": types.BookCouponEventsDocument,
    "\n  query BookRedemptions(\n    $bookId: ID!\n    $first: Int\n    $after: String\n    $email: String\n    $codePrefix: String\n    $redeemedAfter: DateTime\n    $redeemedBefore: DateTime\n    $reversed: Boolean\n  ) {\n    redemptions(\n      bookId: $bookId\n      first: $first\n      after: $after\n      email: $email\n      codePrefix: $codePrefix\n      redeemedAfter: $redeemedAfter\n      redeemedBefore: $redeemedBefore\n      reversed: $reversed\n    ) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...RedemptionRow\n        }\n      }\n    }\n  }\n": types.BookRedemptionsDocument,
    "\n  subscription BookRedemptionEvents($bookId: ID!) {\n    redemptionEvents(bookId: $bookId) {\n      id\n      reversedAt\n    }\n  }\n": types.BookRedemptionEventsDocument,
    "\n  mutation ReverseRedemption($redemptionId: ID!, $reason: String!) {\n    reverseRedemption(redemptionId: $redemptionId, reason: $reason) {\n      ...RedemptionRow\n      coupon {\n        id\n        state\n        redemptionCount\n      }\n    }\n  }\n": types.ReverseRedemptionDocument,
    "\n  subscription BookStatsLive($bookId: ID!) {\n    bookStats(bookId: $bookId) {\n      bookId\n      unassigned\n      assigned\n      locked\n      redeemed\n      activeLocks\n      redemptionsLastMinute\n      serverTime\n    }\n  }\n": types.BookStatsLiveDocument,
    "\n  fragment BookStatusFields on Book {\n    id\n    updatedAt\n    status\n    statusChangedAt\n    isActive\n    validFrom\n    validUntil\n  }\n": types.BookStatusFieldsFragmentDoc,
    "\n  mutation PauseBook($id: ID!) {\n    pauseBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n": types.PauseBookDocument,
    "\n  mutation ResumeBook($id: ID!) {\n    resumeBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n": types.ResumeBookDocument,
    "\n  mutation ArchiveBook($id: ID!) {\n    archiveBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n": types.ArchiveBookDocument,
    "\n  mutation DeleteBook($id: ID!) {\n    deleteBook(id: $id)\n  }\n": types.DeleteBookDocument,
    "\n  query BookSummary($id: ID!) {\n    book(id: $id) {\n      id\n      ...BookSummaryFields\n    }\n  }\n": types.BookSummaryDocument,
    "\n  query BookDetail($id: ID!) {\n    book(id: $id) {\n      id\n      name\n      description\n      isActive\n      ...BookStatusFields\n      ...BookFacts\n      ...BookBudgetFields\n      ...BookStatsCounts\n    }\n  }\n": types.BookDetailDocument,
    "\n  query BookForEdit($id: ID!) {\n    book(id: $id) {\n      id\n      ...BookFormFields\n    }\n  }\n": types.BookForEditDocument,
    "\n  mutation CreateBook($input: CreateBookInput!) {\n    createBook(input: $input) {\n      id\n      ...BookFormFields\n    }\n  }\n": types.CreateBookDocument,
    "\n  mutation UpdateBook($id: ID!, $input: UpdateBookInput!) {\n    updateBook(id: $id, input: $input) {\n      id\n      ...BookFormFields\n    }\n  }\n": types.UpdateBookDocument,
    "\n  query Books($first: Int, $after: String, $search: String, $status: BookStatus) {\n    books(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...BookTableRow\n        }\n      }\n    }\n  }\n": types.BooksDocument,
    "\n  mutation UploadCodes($bookId: ID!, $csv: String!) {\n    uploadCodes(bookId: $bookId, csv: $csv) {\n      ...UploadReportFields\n    }\n  }\n": types.UploadCodesDocument,
    "\n  mutation UploadCodeList($bookId: ID!, $codes: [String!]!) {\n    uploadCodes(bookId: $bookId, codes: $codes) {\n      jobId\n      ...UploadReportFields\n    }\n  }\n": types.UploadCodeListDocument,
    "\n  mutation CancelCodeJob($jobId: ID!) {\n    cancelCodeJob(jobId: $jobId) {\n      jobId\n      status\n    }\n  }\n": types.CancelCodeJobDocument,
    "\n  mutation GenerateCodes($bookId: ID!, $input: GenerateCodesInput!) {\n    generateCodes(bookId: $bookId, input: $input) {\n      jobId\n      status\n      requested\n      generated\n    }\n  }\n": types.GenerateCodesDocument,
    "\n  subscription CodeJobProgress($jobId: ID!) {\n    codeJob(jobId: $jobId) {\n      jobId\n      status\n      total\n      processed\n      inserted\n      duplicates\n      invalid\n      error\n    }\n  }\n": types.CodeJobProgressDocument,
    "\n  query BookRedemptionsOverTime($id: ID!, $from: DateTime, $bucket: TimeBucket!) {\n    book(id: $id) {\n      id\n      redemptionsOverTime(from: $from, bucket: $bucket) {\n        ...RedemptionChartBucket\n      }\n      claimsOverTime(from: $from, bucket: $bucket) {\n        ...ClaimChartBucket\n      }\n    }\n  }\n": types.BookRedemptionsOverTimeDocument,
    "\n  subscription BookActivityChanged($bookId: ID!) {\n    couponEvents(bookId: $bookId) {\n      id\n    }\n  }\n": types.BookActivityChangedDocument,
    "\n  fragment CouponDetailFields on Coupon {\n    id\n    code\n    state\n    assignedAt\n    lockExpiresAt\n    redemptionCount\n    createdAt\n    updatedAt\n    bookId\n    book {\n      id\n      name\n    }\n    user {\n      id\n      email\n      externalId\n    }\n  }\n": types.CouponDetailFieldsFragmentDoc,
    "\n  fragment CouponTimelineEntry on CouponEvent {\n    id\n    type\n    at\n    reason\n    fromState\n    toState\n    actor {\n      id\n      email\n      externalId\n    }\n  }\n": types.CouponTimelineEntryFragmentDoc,
    "\n  query CouponLookup($code: String!) {\n    coupon(code: $code) {\n      id\n      code\n    }\n  }\n": types.CouponLookupDocument,
    "\n  query CouponDetail($code: String!) {\n    coupon(code: $code) {\n      ...CouponDetailFields\n    }\n  }\n": types.CouponDetailDocument,
    "\n  query CouponTimeline($code: String!, $first: Int, $after: String) {\n    coupon(code: $code) {\n      id\n      events(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...NextPage\n        }\n        edges {\n          cursor\n          node {\n            ...CouponTimelineEntry\n          }\n        }\n      }\n    }\n  }\n": types.CouponTimelineDocument,
    "\n  subscription CouponChanged($code: String!) {\n    couponEvents(code: $code) {\n      id\n      coupon {\n        ...CouponDetailFields\n      }\n    }\n  }\n": types.CouponChangedDocument,
    "\n  mutation VoidCoupon($code: String!, $reason: String!) {\n    voidCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n": types.VoidCouponDocument,
    "\n  mutation UnassignCoupon($code: String!, $reason: String!) {\n    unassignCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n": types.UnassignCouponDocument,
    "\n  mutation ForceUnlockCoupon($code: String!, $reason: String) {\n    forceUnlockCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n": types.ForceUnlockCouponDocument,
    "\n  mutation UpdateCoupon($code: String!, $input: UpdateCouponInput!) {\n    updateCoupon(code: $code, input: $input) {\n      ...CouponDetailFields\n    }\n  }\n": types.UpdateCouponDocument,
    "\n  query LivePinCandidates($search: String!) {\n    books(first: 8, search: $search) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.LivePinCandidatesDocument,
    "\n  fragment RedemptionFeedItem on Redemption {\n    ...RedemptionRow\n    bookId\n  }\n": types.RedemptionFeedItemFragmentDoc,
    "\n  fragment LiveBookTile on Book {\n    id\n    updatedAt\n    name\n    status\n    validFrom\n    validUntil\n    ...BookStatsCounts\n  }\n": types.LiveBookTileFragmentDoc,
    "\n  query LiveBooks($window: Int, $first: Int) {\n    busiestBooks(window: $window, first: $first) {\n      events\n      book {\n        ...LiveBookTile\n      }\n    }\n    pinnedBooks {\n      ...LiveBookTile\n    }\n  }\n": types.LiveBooksDocument,
    "\n  mutation PinBook($bookId: ID!) {\n    pinBook(bookId: $bookId) {\n      ...LiveBookTile\n    }\n  }\n": types.PinBookDocument,
    "\n  mutation UnpinBook($bookId: ID!) {\n    unpinBook(bookId: $bookId) {\n      ...LiveBookTile\n    }\n  }\n": types.UnpinBookDocument,
    "\n  query LiveFeed($redemptions: Int, $reversals: Int) {\n    redemptions(first: $redemptions) {\n      edges {\n        node {\n          ...RedemptionFeedItem\n        }\n      }\n    }\n    reversals: redemptions(first: $reversals, reversed: true) {\n      edges {\n        node {\n          ...RedemptionFeedItem\n        }\n      }\n    }\n  }\n": types.LiveFeedDocument,
    "\n  subscription RedemptionFeed {\n    redemptionEvents {\n      ...RedemptionFeedItem\n    }\n  }\n": types.RedemptionFeedDocument,
    "\n  fragment MyCoupon on Coupon {\n    id\n    code\n    state\n    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).\n    updatedAt\n    lockExpiresAt\n    redemptionCount\n    assignedAt\n    bookId\n  }\n": types.MyCouponFragmentDoc,
    "\n  mutation ClaimRandomCoupon($bookId: ID!, $idempotencyKey: String) {\n    assignRandomCoupon(bookId: $bookId, idempotencyKey: $idempotencyKey) {\n      ...MyCoupon\n    }\n  }\n": types.ClaimRandomCouponDocument,
    "\n  mutation ClaimCouponByCode($code: String!) {\n    assignCoupon(code: $code) {\n      ...MyCoupon\n    }\n  }\n": types.ClaimCouponByCodeDocument,
    "\n  query MyCoupons($first: Int, $after: String) {\n    myCoupons(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        node {\n          ...MyCoupon\n          # The cards' book headlines come with the list (the cache redirect of Query.book finds\n          # them), not in a second round trip per book after it.\n          book {\n            id\n            ...BookSummaryFields\n          }\n        }\n      }\n    }\n  }\n": types.MyCouponsDocument,
    "\n  mutation LockMyCoupon($code: String!, $idempotencyKey: String) {\n    lockCoupon(code: $code, idempotencyKey: $idempotencyKey) {\n      ...MyCoupon\n    }\n  }\n": types.LockMyCouponDocument,
    "\n  mutation UnlockMyCoupon($code: String!) {\n    unlockCoupon(code: $code) {\n      ...MyCoupon\n    }\n  }\n": types.UnlockMyCouponDocument,
    "\n  mutation RedeemMyCoupon($code: String!, $idempotencyKey: String) {\n    redeemCoupon(code: $code, idempotencyKey: $idempotencyKey) {\n      id\n      redeemedAt\n      coupon {\n        ...MyCoupon\n      }\n    }\n  }\n": types.RedeemMyCouponDocument,
    "\n  subscription MyCouponEvents {\n    couponEvents {\n      id\n      type\n      serverTime\n      coupon {\n        ...MyCoupon\n      }\n    }\n  }\n": types.MyCouponEventsDocument,
    "\n  fragment DistributionPreviewFields on DistributionPreview {\n    mode\n    requested\n    perMember\n    remainder\n    leftInBook\n    available\n    totalAssigned\n    shortfall\n    seed\n    perUser {\n      userId\n      count\n      extra\n      skippedReason\n      user {\n        id\n        email\n      }\n    }\n  }\n": types.DistributionPreviewFieldsFragmentDoc,
    "\n  fragment PoolTableRow on Pool {\n    id\n    name\n    description\n    memberCount\n  }\n": types.PoolTableRowFragmentDoc,
    "\n  fragment PoolMemberRow on User {\n    id\n    email\n    role\n  }\n": types.PoolMemberRowFragmentDoc,
    "\n  mutation PreviewDistribution($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!, $remainder: DistributionRemainder) {\n    previewDistribution(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count, remainder: $remainder) {\n      ...DistributionPreviewFields\n    }\n  }\n": types.PreviewDistributionDocument,
    "\n  mutation DistributeToPool(\n    $poolId: ID!\n    $bookId: ID!\n    $mode: DistributionMode!\n    $count: Int!\n    $remainder: DistributionRemainder\n    $seed: String\n    $idempotencyKey: String\n  ) {\n    distributeToPool(\n      poolId: $poolId\n      bookId: $bookId\n      mode: $mode\n      count: $count\n      remainder: $remainder\n      seed: $seed\n      idempotencyKey: $idempotencyKey\n    ) {\n      id\n      mode\n      requested\n      assigned\n      remainder\n      createdAt\n    }\n  }\n": types.DistributeToPoolDocument,
    "\n  query PoolDetail($id: ID!) {\n    pool(id: $id) {\n      id\n      name\n      description\n      memberCount\n    }\n  }\n": types.PoolDetailDocument,
    "\n  query PoolMembers($id: ID!, $first: Int, $after: String) {\n    pool(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...NextPage\n        }\n        edges {\n          cursor\n          node {\n            ...PoolMemberRow\n          }\n        }\n      }\n    }\n  }\n": types.PoolMembersDocument,
    "\n  mutation AddPoolMembers($poolId: ID!, $emails: [String!], $userIds: [ID!]) {\n    addPoolMembers(poolId: $poolId, emails: $emails, userIds: $userIds) {\n      id\n      memberCount\n      unknownEmails\n    }\n  }\n": types.AddPoolMembersDocument,
    "\n  mutation RemovePoolMembers($poolId: ID!, $userIds: [ID!]!) {\n    removePoolMembers(poolId: $poolId, userIds: $userIds) {\n      id\n      memberCount\n    }\n  }\n": types.RemovePoolMembersDocument,
    "\n  query UserSuggestions($emailContains: String, $first: Int) {\n    users(emailContains: $emailContains, first: $first) {\n      edges {\n        node {\n          ...PoolMemberRow\n        }\n      }\n    }\n  }\n": types.UserSuggestionsDocument,
    "\n  mutation UpdatePool($id: ID!, $input: UpdatePoolInput!) {\n    updatePool(id: $id, input: $input) {\n      id\n      name\n      description\n    }\n  }\n": types.UpdatePoolDocument,
    "\n  mutation DeletePool($id: ID!) {\n    deletePool(id: $id)\n  }\n": types.DeletePoolDocument,
    "\n  query Pools($first: Int, $after: String) {\n    pools(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...PoolTableRow\n        }\n      }\n    }\n  }\n": types.PoolsDocument,
    "\n  mutation CreatePool($name: String!, $description: String) {\n    createPool(name: $name, description: $description) {\n      ...PoolTableRow\n    }\n  }\n": types.CreatePoolDocument,
    "\n  query AdminUsers($search: String, $role: Role, $disabled: Boolean, $first: Int, $after: String) {\n    users(search: $search, role: $role, disabled: $disabled, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...UserTableRow\n        }\n      }\n    }\n  }\n": types.AdminUsersDocument,
    "\n  fragment UserAccount on User {\n    id\n    email\n    externalId\n    role\n    createdAt\n    ...UserAdminFields\n  }\n": types.UserAccountFragmentDoc,
    "\n  fragment UserWithCoupons on User {\n    ...UserAccount\n    coupons(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...UserCouponRow\n        }\n      }\n    }\n  }\n": types.UserWithCouponsFragmentDoc,
    "\n  query UserCoupons($email: String!, $first: Int, $after: String) {\n    userByEmail(email: $email) {\n      ...UserWithCoupons\n    }\n  }\n": types.UserCouponsDocument,
    "\n  query CustomerAccount($externalId: String!, $first: Int, $after: String) {\n    userByExternalId(externalId: $externalId) {\n      ...UserWithCoupons\n    }\n  }\n": types.CustomerAccountDocument,
    "\n  fragment UserAdminFields on User {\n    id\n    email\n    externalId\n    role\n    disabled\n    disabledAt\n  }\n": types.UserAdminFieldsFragmentDoc,
    "\n  mutation SetUserRole($userId: ID!, $role: Role!) {\n    setUserRole(userId: $userId, role: $role) {\n      ...UserAdminFields\n    }\n  }\n": types.SetUserRoleDocument,
    "\n  mutation DisableUser($userId: ID!) {\n    disableUser(userId: $userId) {\n      ...UserAdminFields\n    }\n  }\n": types.DisableUserDocument,
    "\n  mutation EnableUser($userId: ID!) {\n    enableUser(userId: $userId) {\n      ...UserAdminFields\n    }\n  }\n": types.EnableUserDocument,
    "\n  mutation EraseUser($userId: ID!) {\n    eraseUser(userId: $userId)\n  }\n": types.EraseUserDocument,
    "\n  fragment UserTableRow on User {\n    id\n    email\n    externalId\n    role\n    disabled\n    createdAt\n  }\n": types.UserTableRowFragmentDoc,
    "\n  fragment UserCouponRow on Coupon {\n    ...MyCoupon\n  }\n": types.UserCouponRowFragmentDoc,
    "\n  fragment WebhookDeliveryRow on WebhookDelivery {\n    id\n    eventId\n    messageId\n    eventType\n    status\n    inFlight\n    attempts\n    nextAttemptAt\n    lastAttemptAt\n    responseStatus\n    responseBody\n    latencyMs\n    lastError\n    deliveredAt\n    createdAt\n  }\n": types.WebhookDeliveryRowFragmentDoc,
    "\n  fragment WebhookEndpointRow on WebhookEndpoint {\n    id\n    url\n    description\n    events\n    bookId\n    enabled\n    disabledReason\n    failingSince\n    createdAt\n  }\n": types.WebhookEndpointRowFragmentDoc,
    "\n  query WebhookEndpoints($first: Int, $after: String) {\n    webhookEndpoints(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...WebhookEndpointRow\n        }\n      }\n    }\n  }\n": types.WebhookEndpointsDocument,
    "\n  query WebhookEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      ...WebhookEndpointRow\n      updatedAt\n      previousSecretExpiresAt\n    }\n  }\n": types.WebhookEndpointDocument,
    "\n  query WebhookDeliveries($endpointId: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        node {\n          ...WebhookDeliveryRow\n        }\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      endpoint {\n        ...WebhookEndpointRow\n      }\n      secret\n    }\n  }\n": types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      ...WebhookEndpointRow\n    }\n  }\n": types.UpdateWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n": types.DeleteWebhookEndpointDocument,
    "\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      endpoint {\n        ...WebhookEndpointRow\n        previousSecretExpiresAt\n      }\n      secret\n    }\n  }\n": types.RotateWebhookSecretDocument,
    "\n  mutation SendTestWebhook($id: ID!) {\n    sendTestWebhook(id: $id) {\n      ...WebhookDeliveryRow\n    }\n  }\n": types.SendTestWebhookDocument,
    "\n  mutation RedeliverWebhook($deliveryId: ID!) {\n    redeliverWebhook(deliveryId: $deliveryId) {\n      ...WebhookDeliveryRow\n    }\n  }\n": types.RedeliverWebhookDocument,
    "\n  fragment NextPage on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": types.NextPageFragmentDoc,
    "\n  fragment Session on AuthPayload {\n    token\n    expiresAt\n    user {\n      id\n      email\n      role\n    }\n  }\n": types.SessionFragmentDoc,
    "\n  mutation RefreshSession {\n    refreshSession {\n      ...Session\n    }\n  }\n": types.RefreshSessionDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  fragment ErrorExtensionsFields on ErrorExtensions {\n    code\n    field\n    fields\n    retryAfterSeconds\n    retryable\n    requestId\n  }\n": types.ErrorExtensionsFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BookPicker($search: String, $first: Int) {\n    books(search: $search, first: $first, status: ACTIVE) {\n      edges {\n        node {\n          id\n          name\n          discountType\n          discountValue\n          currency\n          isActive\n          counts {\n            unassigned\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query BookPicker($search: String, $first: Int) {\n    books(search: $search, first: $first, status: ACTIVE) {\n      edges {\n        node {\n          id\n          name\n          discountType\n          discountValue\n          currency\n          isActive\n          counts {\n            unassigned\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyTableRow on ApiKey {\n    id\n    name\n    prefix\n    scopes\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment ApiKeyTableRow on ApiKey {\n    id\n    name\n    prefix\n    scopes\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys($first: Int, $after: String) {\n    apiKeysConnection(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...ApiKeyTableRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys($first: Int, $after: String) {\n    apiKeysConnection(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...ApiKeyTableRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      apiKey {\n        ...ApiKeyTableRow\n      }\n      secret\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      apiKey {\n        ...ApiKeyTableRow\n      }\n      secret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyTableRow\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyTableRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AssignPreviewCoupon($code: String!) {\n    coupon(code: $code) {\n      id\n      code\n      state\n      updatedAt\n      user {\n        id\n        email\n        externalId\n      }\n      book {\n        id\n        name\n        isActive\n      }\n    }\n  }\n"): (typeof documents)["\n  query AssignPreviewCoupon($code: String!) {\n    coupon(code: $code) {\n      id\n      code\n      state\n      updatedAt\n      user {\n        id\n        email\n        externalId\n      }\n      book {\n        id\n        name\n        isActive\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AssignPreviewBook($id: ID!) {\n    book(id: $id) {\n      id\n      name\n      isActive\n      maxAssignmentsPerUser\n      counts {\n        unassigned\n      }\n    }\n  }\n"): (typeof documents)["\n  query AssignPreviewBook($id: ID!) {\n    book(id: $id) {\n      id\n      name\n      isActive\n      maxAssignmentsPerUser\n      counts {\n        unassigned\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AssignFindUser($search: String!) {\n    users(search: $search, first: 5) {\n      edges {\n        node {\n          id\n          email\n          externalId\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AssignFindUser($search: String!) {\n    users(search: $search, first: 5) {\n      edges {\n        node {\n          id\n          email\n          externalId\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminAssignCoupon($code: String!, $userId: ID!, $idempotencyKey: String) {\n    assignCoupon(code: $code, userId: $userId, idempotencyKey: $idempotencyKey) {\n      id\n      code\n      state\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation AdminAssignCoupon($code: String!, $userId: ID!, $idempotencyKey: String) {\n    assignCoupon(code: $code, userId: $userId, idempotencyKey: $idempotencyKey) {\n      id\n      code\n      state\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminAssignRandomCoupon($bookId: ID!, $userId: ID!, $idempotencyKey: String) {\n    assignRandomCoupon(bookId: $bookId, userId: $userId, idempotencyKey: $idempotencyKey) {\n      id\n      code\n      state\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation AdminAssignRandomCoupon($bookId: ID!, $userId: ID!, $idempotencyKey: String) {\n    assignRandomCoupon(bookId: $bookId, userId: $userId, idempotencyKey: $idempotencyKey) {\n      id\n      code\n      state\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditLogRow on AuditLogEntry {\n    id\n    action\n    actorId\n    apiKeyId\n    targetType\n    targetId\n    changes\n    createdAt\n  }\n"): (typeof documents)["\n  fragment AuditLogRow on AuditLogEntry {\n    id\n    action\n    actorId\n    apiKeyId\n    targetType\n    targetId\n    changes\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...AuditLogRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...AuditLogRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      email\n      role\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      email\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...Session\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...Session\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($email: String!, $password: String!) {\n    register(email: $email, password: $password) {\n      ...Session\n    }\n  }\n"): (typeof documents)["\n  mutation Register($email: String!, $password: String!) {\n    register(email: $email, password: $password) {\n      ...Session\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BookBudgetFields on Book {\n    currency\n    maxTotalRedemptions\n    maxTotalDiscountAmount\n    redeemedTotal\n    discountTotal\n  }\n"): (typeof documents)["\n  fragment BookBudgetFields on Book {\n    currency\n    maxTotalRedemptions\n    maxTotalDiscountAmount\n    redeemedTotal\n    discountTotal\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BookFacts on Book {\n    discountType\n    discountValue\n    currency\n    validFrom\n    validUntil\n    maxAssignmentsPerUser\n    allowMultipleRedemptions\n    maxRedemptionsPerUser\n    lockTtlSeconds\n  }\n"): (typeof documents)["\n  fragment BookFacts on Book {\n    discountType\n    discountValue\n    currency\n    validFrom\n    validUntil\n    maxAssignmentsPerUser\n    allowMultipleRedemptions\n    maxRedemptionsPerUser\n    lockTtlSeconds\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BookFormFields on Book {\n    updatedAt\n    name\n    description\n    ...BookFacts\n    currency\n    minOrderAmount\n    maxTotalRedemptions\n    maxTotalDiscountAmount\n    metadata\n  }\n"): (typeof documents)["\n  fragment BookFormFields on Book {\n    updatedAt\n    name\n    description\n    ...BookFacts\n    currency\n    minOrderAmount\n    maxTotalRedemptions\n    maxTotalDiscountAmount\n    metadata\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BookStatsCounts on Book {\n    counts {\n      unassigned\n      assigned\n      locked\n      redeemed\n    }\n  }\n"): (typeof documents)["\n  fragment BookStatsCounts on Book {\n    counts {\n      unassigned\n      assigned\n      locked\n      redeemed\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BookSummaryFields on Book {\n    id\n    updatedAt\n    name\n    discountType\n    discountValue\n    currency\n    validUntil\n    isActive\n  }\n"): (typeof documents)["\n  fragment BookSummaryFields on Book {\n    id\n    updatedAt\n    name\n    discountType\n    discountValue\n    currency\n    validUntil\n    isActive\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BookTableRow on Book {\n    id\n    updatedAt\n    name\n    discountType\n    discountValue\n    currency\n    validFrom\n    validUntil\n    isActive\n    status\n    counts {\n      unassigned\n      assigned\n      locked\n      redeemed\n      total\n    }\n  }\n"): (typeof documents)["\n  fragment BookTableRow on Book {\n    id\n    updatedAt\n    name\n    discountType\n    discountValue\n    currency\n    validFrom\n    validUntil\n    isActive\n    status\n    counts {\n      unassigned\n      assigned\n      locked\n      redeemed\n      total\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UploadReportFields on UploadCodesResult {\n    inserted\n    duplicateCount\n    invalidCount\n    duplicates {\n      line\n      code\n      reason\n    }\n    invalid {\n      line\n      code\n      reason\n    }\n  }\n"): (typeof documents)["\n  fragment UploadReportFields on UploadCodesResult {\n    inserted\n    duplicateCount\n    invalidCount\n    duplicates {\n      line\n      code\n      reason\n    }\n    invalid {\n      line\n      code\n      reason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CouponRow on Coupon {\n    id\n    code\n    state\n    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).\n    updatedAt\n    lockExpiresAt\n    redemptionCount\n    assignedAt\n    user {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment CouponRow on Coupon {\n    id\n    code\n    state\n    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).\n    updatedAt\n    lockExpiresAt\n    redemptionCount\n    assignedAt\n    user {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RedemptionChartBucket on RedemptionBucket {\n    at\n    redemptions\n    reversals\n  }\n"): (typeof documents)["\n  fragment RedemptionChartBucket on RedemptionBucket {\n    at\n    redemptions\n    reversals\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ClaimChartBucket on ClaimBucket {\n    at\n    claims\n  }\n"): (typeof documents)["\n  fragment ClaimChartBucket on ClaimBucket {\n    at\n    claims\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RedemptionRow on Redemption {\n    id\n    redeemedAt\n    reversedAt\n    reversalReason\n    coupon {\n      id\n      code\n    }\n    user {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment RedemptionRow on Redemption {\n    id\n    redeemedAt\n    reversedAt\n    reversalReason\n    coupon {\n      id\n      code\n    }\n    user {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BookCoupons(\n    $bookId: ID!\n    $first: Int\n    $after: String\n    $state: CouponState\n    $email: String\n    $codePrefix: String\n    $assignedAfter: DateTime\n    $assignedBefore: DateTime\n  ) {\n    coupons(\n      bookId: $bookId\n      first: $first\n      after: $after\n      state: $state\n      email: $email\n      codePrefix: $codePrefix\n      assignedAfter: $assignedAfter\n      assignedBefore: $assignedBefore\n    ) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...CouponRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query BookCoupons(\n    $bookId: ID!\n    $first: Int\n    $after: String\n    $state: CouponState\n    $email: String\n    $codePrefix: String\n    $assignedAfter: DateTime\n    $assignedBefore: DateTime\n  ) {\n    coupons(\n      bookId: $bookId\n      first: $first\n      after: $after\n      state: $state\n      email: $email\n      codePrefix: $codePrefix\n      assignedAfter: $assignedAfter\n      assignedBefore: $assignedBefore\n    ) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...CouponRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BookCouponEvents($bookId: ID!) {\n    couponEvents(bookId: $bookId) {\n      id\n      type\n      at\n      serverTime\n      fromState\n      toState\n      coupon {\n        ...CouponRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription BookCouponEvents($bookId: ID!) {\n    couponEvents(bookId: $bookId) {\n      id\n      type\n      at\n      serverTime\n      fromState\n      toState\n      coupon {\n        ...CouponRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BookRedemptions(\n    $bookId: ID!\n    $first: Int\n    $after: String\n    $email: String\n    $codePrefix: String\n    $redeemedAfter: DateTime\n    $redeemedBefore: DateTime\n    $reversed: Boolean\n  ) {\n    redemptions(\n      bookId: $bookId\n      first: $first\n      after: $after\n      email: $email\n      codePrefix: $codePrefix\n      redeemedAfter: $redeemedAfter\n      redeemedBefore: $redeemedBefore\n      reversed: $reversed\n    ) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...RedemptionRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query BookRedemptions(\n    $bookId: ID!\n    $first: Int\n    $after: String\n    $email: String\n    $codePrefix: String\n    $redeemedAfter: DateTime\n    $redeemedBefore: DateTime\n    $reversed: Boolean\n  ) {\n    redemptions(\n      bookId: $bookId\n      first: $first\n      after: $after\n      email: $email\n      codePrefix: $codePrefix\n      redeemedAfter: $redeemedAfter\n      redeemedBefore: $redeemedBefore\n      reversed: $reversed\n    ) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...RedemptionRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BookRedemptionEvents($bookId: ID!) {\n    redemptionEvents(bookId: $bookId) {\n      id\n      reversedAt\n    }\n  }\n"): (typeof documents)["\n  subscription BookRedemptionEvents($bookId: ID!) {\n    redemptionEvents(bookId: $bookId) {\n      id\n      reversedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReverseRedemption($redemptionId: ID!, $reason: String!) {\n    reverseRedemption(redemptionId: $redemptionId, reason: $reason) {\n      ...RedemptionRow\n      coupon {\n        id\n        state\n        redemptionCount\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReverseRedemption($redemptionId: ID!, $reason: String!) {\n    reverseRedemption(redemptionId: $redemptionId, reason: $reason) {\n      ...RedemptionRow\n      coupon {\n        id\n        state\n        redemptionCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BookStatsLive($bookId: ID!) {\n    bookStats(bookId: $bookId) {\n      bookId\n      unassigned\n      assigned\n      locked\n      redeemed\n      activeLocks\n      redemptionsLastMinute\n      serverTime\n    }\n  }\n"): (typeof documents)["\n  subscription BookStatsLive($bookId: ID!) {\n    bookStats(bookId: $bookId) {\n      bookId\n      unassigned\n      assigned\n      locked\n      redeemed\n      activeLocks\n      redemptionsLastMinute\n      serverTime\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BookStatusFields on Book {\n    id\n    updatedAt\n    status\n    statusChangedAt\n    isActive\n    validFrom\n    validUntil\n  }\n"): (typeof documents)["\n  fragment BookStatusFields on Book {\n    id\n    updatedAt\n    status\n    statusChangedAt\n    isActive\n    validFrom\n    validUntil\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseBook($id: ID!) {\n    pauseBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n"): (typeof documents)["\n  mutation PauseBook($id: ID!) {\n    pauseBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeBook($id: ID!) {\n    resumeBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeBook($id: ID!) {\n    resumeBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveBook($id: ID!) {\n    archiveBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n"): (typeof documents)["\n  mutation ArchiveBook($id: ID!) {\n    archiveBook(id: $id) {\n      ...BookStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteBook($id: ID!) {\n    deleteBook(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteBook($id: ID!) {\n    deleteBook(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BookSummary($id: ID!) {\n    book(id: $id) {\n      id\n      ...BookSummaryFields\n    }\n  }\n"): (typeof documents)["\n  query BookSummary($id: ID!) {\n    book(id: $id) {\n      id\n      ...BookSummaryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BookDetail($id: ID!) {\n    book(id: $id) {\n      id\n      name\n      description\n      isActive\n      ...BookStatusFields\n      ...BookFacts\n      ...BookBudgetFields\n      ...BookStatsCounts\n    }\n  }\n"): (typeof documents)["\n  query BookDetail($id: ID!) {\n    book(id: $id) {\n      id\n      name\n      description\n      isActive\n      ...BookStatusFields\n      ...BookFacts\n      ...BookBudgetFields\n      ...BookStatsCounts\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BookForEdit($id: ID!) {\n    book(id: $id) {\n      id\n      ...BookFormFields\n    }\n  }\n"): (typeof documents)["\n  query BookForEdit($id: ID!) {\n    book(id: $id) {\n      id\n      ...BookFormFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateBook($input: CreateBookInput!) {\n    createBook(input: $input) {\n      id\n      ...BookFormFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateBook($input: CreateBookInput!) {\n    createBook(input: $input) {\n      id\n      ...BookFormFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateBook($id: ID!, $input: UpdateBookInput!) {\n    updateBook(id: $id, input: $input) {\n      id\n      ...BookFormFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateBook($id: ID!, $input: UpdateBookInput!) {\n    updateBook(id: $id, input: $input) {\n      id\n      ...BookFormFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Books($first: Int, $after: String, $search: String, $status: BookStatus) {\n    books(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...BookTableRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Books($first: Int, $after: String, $search: String, $status: BookStatus) {\n    books(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...BookTableRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadCodes($bookId: ID!, $csv: String!) {\n    uploadCodes(bookId: $bookId, csv: $csv) {\n      ...UploadReportFields\n    }\n  }\n"): (typeof documents)["\n  mutation UploadCodes($bookId: ID!, $csv: String!) {\n    uploadCodes(bookId: $bookId, csv: $csv) {\n      ...UploadReportFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadCodeList($bookId: ID!, $codes: [String!]!) {\n    uploadCodes(bookId: $bookId, codes: $codes) {\n      jobId\n      ...UploadReportFields\n    }\n  }\n"): (typeof documents)["\n  mutation UploadCodeList($bookId: ID!, $codes: [String!]!) {\n    uploadCodes(bookId: $bookId, codes: $codes) {\n      jobId\n      ...UploadReportFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelCodeJob($jobId: ID!) {\n    cancelCodeJob(jobId: $jobId) {\n      jobId\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation CancelCodeJob($jobId: ID!) {\n    cancelCodeJob(jobId: $jobId) {\n      jobId\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GenerateCodes($bookId: ID!, $input: GenerateCodesInput!) {\n    generateCodes(bookId: $bookId, input: $input) {\n      jobId\n      status\n      requested\n      generated\n    }\n  }\n"): (typeof documents)["\n  mutation GenerateCodes($bookId: ID!, $input: GenerateCodesInput!) {\n    generateCodes(bookId: $bookId, input: $input) {\n      jobId\n      status\n      requested\n      generated\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CodeJobProgress($jobId: ID!) {\n    codeJob(jobId: $jobId) {\n      jobId\n      status\n      total\n      processed\n      inserted\n      duplicates\n      invalid\n      error\n    }\n  }\n"): (typeof documents)["\n  subscription CodeJobProgress($jobId: ID!) {\n    codeJob(jobId: $jobId) {\n      jobId\n      status\n      total\n      processed\n      inserted\n      duplicates\n      invalid\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BookRedemptionsOverTime($id: ID!, $from: DateTime, $bucket: TimeBucket!) {\n    book(id: $id) {\n      id\n      redemptionsOverTime(from: $from, bucket: $bucket) {\n        ...RedemptionChartBucket\n      }\n      claimsOverTime(from: $from, bucket: $bucket) {\n        ...ClaimChartBucket\n      }\n    }\n  }\n"): (typeof documents)["\n  query BookRedemptionsOverTime($id: ID!, $from: DateTime, $bucket: TimeBucket!) {\n    book(id: $id) {\n      id\n      redemptionsOverTime(from: $from, bucket: $bucket) {\n        ...RedemptionChartBucket\n      }\n      claimsOverTime(from: $from, bucket: $bucket) {\n        ...ClaimChartBucket\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BookActivityChanged($bookId: ID!) {\n    couponEvents(bookId: $bookId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  subscription BookActivityChanged($bookId: ID!) {\n    couponEvents(bookId: $bookId) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CouponDetailFields on Coupon {\n    id\n    code\n    state\n    assignedAt\n    lockExpiresAt\n    redemptionCount\n    createdAt\n    updatedAt\n    bookId\n    book {\n      id\n      name\n    }\n    user {\n      id\n      email\n      externalId\n    }\n  }\n"): (typeof documents)["\n  fragment CouponDetailFields on Coupon {\n    id\n    code\n    state\n    assignedAt\n    lockExpiresAt\n    redemptionCount\n    createdAt\n    updatedAt\n    bookId\n    book {\n      id\n      name\n    }\n    user {\n      id\n      email\n      externalId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CouponTimelineEntry on CouponEvent {\n    id\n    type\n    at\n    reason\n    fromState\n    toState\n    actor {\n      id\n      email\n      externalId\n    }\n  }\n"): (typeof documents)["\n  fragment CouponTimelineEntry on CouponEvent {\n    id\n    type\n    at\n    reason\n    fromState\n    toState\n    actor {\n      id\n      email\n      externalId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CouponLookup($code: String!) {\n    coupon(code: $code) {\n      id\n      code\n    }\n  }\n"): (typeof documents)["\n  query CouponLookup($code: String!) {\n    coupon(code: $code) {\n      id\n      code\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CouponDetail($code: String!) {\n    coupon(code: $code) {\n      ...CouponDetailFields\n    }\n  }\n"): (typeof documents)["\n  query CouponDetail($code: String!) {\n    coupon(code: $code) {\n      ...CouponDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CouponTimeline($code: String!, $first: Int, $after: String) {\n    coupon(code: $code) {\n      id\n      events(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...NextPage\n        }\n        edges {\n          cursor\n          node {\n            ...CouponTimelineEntry\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CouponTimeline($code: String!, $first: Int, $after: String) {\n    coupon(code: $code) {\n      id\n      events(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...NextPage\n        }\n        edges {\n          cursor\n          node {\n            ...CouponTimelineEntry\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CouponChanged($code: String!) {\n    couponEvents(code: $code) {\n      id\n      coupon {\n        ...CouponDetailFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription CouponChanged($code: String!) {\n    couponEvents(code: $code) {\n      id\n      coupon {\n        ...CouponDetailFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VoidCoupon($code: String!, $reason: String!) {\n    voidCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n"): (typeof documents)["\n  mutation VoidCoupon($code: String!, $reason: String!) {\n    voidCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnassignCoupon($code: String!, $reason: String!) {\n    unassignCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n"): (typeof documents)["\n  mutation UnassignCoupon($code: String!, $reason: String!) {\n    unassignCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ForceUnlockCoupon($code: String!, $reason: String) {\n    forceUnlockCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n"): (typeof documents)["\n  mutation ForceUnlockCoupon($code: String!, $reason: String) {\n    forceUnlockCoupon(code: $code, reason: $reason) {\n      ...CouponDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCoupon($code: String!, $input: UpdateCouponInput!) {\n    updateCoupon(code: $code, input: $input) {\n      ...CouponDetailFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCoupon($code: String!, $input: UpdateCouponInput!) {\n    updateCoupon(code: $code, input: $input) {\n      ...CouponDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LivePinCandidates($search: String!) {\n    books(first: 8, search: $search) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query LivePinCandidates($search: String!) {\n    books(first: 8, search: $search) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RedemptionFeedItem on Redemption {\n    ...RedemptionRow\n    bookId\n  }\n"): (typeof documents)["\n  fragment RedemptionFeedItem on Redemption {\n    ...RedemptionRow\n    bookId\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LiveBookTile on Book {\n    id\n    updatedAt\n    name\n    status\n    validFrom\n    validUntil\n    ...BookStatsCounts\n  }\n"): (typeof documents)["\n  fragment LiveBookTile on Book {\n    id\n    updatedAt\n    name\n    status\n    validFrom\n    validUntil\n    ...BookStatsCounts\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LiveBooks($window: Int, $first: Int) {\n    busiestBooks(window: $window, first: $first) {\n      events\n      book {\n        ...LiveBookTile\n      }\n    }\n    pinnedBooks {\n      ...LiveBookTile\n    }\n  }\n"): (typeof documents)["\n  query LiveBooks($window: Int, $first: Int) {\n    busiestBooks(window: $window, first: $first) {\n      events\n      book {\n        ...LiveBookTile\n      }\n    }\n    pinnedBooks {\n      ...LiveBookTile\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PinBook($bookId: ID!) {\n    pinBook(bookId: $bookId) {\n      ...LiveBookTile\n    }\n  }\n"): (typeof documents)["\n  mutation PinBook($bookId: ID!) {\n    pinBook(bookId: $bookId) {\n      ...LiveBookTile\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnpinBook($bookId: ID!) {\n    unpinBook(bookId: $bookId) {\n      ...LiveBookTile\n    }\n  }\n"): (typeof documents)["\n  mutation UnpinBook($bookId: ID!) {\n    unpinBook(bookId: $bookId) {\n      ...LiveBookTile\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LiveFeed($redemptions: Int, $reversals: Int) {\n    redemptions(first: $redemptions) {\n      edges {\n        node {\n          ...RedemptionFeedItem\n        }\n      }\n    }\n    reversals: redemptions(first: $reversals, reversed: true) {\n      edges {\n        node {\n          ...RedemptionFeedItem\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query LiveFeed($redemptions: Int, $reversals: Int) {\n    redemptions(first: $redemptions) {\n      edges {\n        node {\n          ...RedemptionFeedItem\n        }\n      }\n    }\n    reversals: redemptions(first: $reversals, reversed: true) {\n      edges {\n        node {\n          ...RedemptionFeedItem\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RedemptionFeed {\n    redemptionEvents {\n      ...RedemptionFeedItem\n    }\n  }\n"): (typeof documents)["\n  subscription RedemptionFeed {\n    redemptionEvents {\n      ...RedemptionFeedItem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MyCoupon on Coupon {\n    id\n    code\n    state\n    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).\n    updatedAt\n    lockExpiresAt\n    redemptionCount\n    assignedAt\n    bookId\n  }\n"): (typeof documents)["\n  fragment MyCoupon on Coupon {\n    id\n    code\n    state\n    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).\n    updatedAt\n    lockExpiresAt\n    redemptionCount\n    assignedAt\n    bookId\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClaimRandomCoupon($bookId: ID!, $idempotencyKey: String) {\n    assignRandomCoupon(bookId: $bookId, idempotencyKey: $idempotencyKey) {\n      ...MyCoupon\n    }\n  }\n"): (typeof documents)["\n  mutation ClaimRandomCoupon($bookId: ID!, $idempotencyKey: String) {\n    assignRandomCoupon(bookId: $bookId, idempotencyKey: $idempotencyKey) {\n      ...MyCoupon\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClaimCouponByCode($code: String!) {\n    assignCoupon(code: $code) {\n      ...MyCoupon\n    }\n  }\n"): (typeof documents)["\n  mutation ClaimCouponByCode($code: String!) {\n    assignCoupon(code: $code) {\n      ...MyCoupon\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyCoupons($first: Int, $after: String) {\n    myCoupons(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        node {\n          ...MyCoupon\n          # The cards' book headlines come with the list (the cache redirect of Query.book finds\n          # them), not in a second round trip per book after it.\n          book {\n            id\n            ...BookSummaryFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyCoupons($first: Int, $after: String) {\n    myCoupons(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        node {\n          ...MyCoupon\n          # The cards' book headlines come with the list (the cache redirect of Query.book finds\n          # them), not in a second round trip per book after it.\n          book {\n            id\n            ...BookSummaryFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LockMyCoupon($code: String!, $idempotencyKey: String) {\n    lockCoupon(code: $code, idempotencyKey: $idempotencyKey) {\n      ...MyCoupon\n    }\n  }\n"): (typeof documents)["\n  mutation LockMyCoupon($code: String!, $idempotencyKey: String) {\n    lockCoupon(code: $code, idempotencyKey: $idempotencyKey) {\n      ...MyCoupon\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnlockMyCoupon($code: String!) {\n    unlockCoupon(code: $code) {\n      ...MyCoupon\n    }\n  }\n"): (typeof documents)["\n  mutation UnlockMyCoupon($code: String!) {\n    unlockCoupon(code: $code) {\n      ...MyCoupon\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeemMyCoupon($code: String!, $idempotencyKey: String) {\n    redeemCoupon(code: $code, idempotencyKey: $idempotencyKey) {\n      id\n      redeemedAt\n      coupon {\n        ...MyCoupon\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RedeemMyCoupon($code: String!, $idempotencyKey: String) {\n    redeemCoupon(code: $code, idempotencyKey: $idempotencyKey) {\n      id\n      redeemedAt\n      coupon {\n        ...MyCoupon\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MyCouponEvents {\n    couponEvents {\n      id\n      type\n      serverTime\n      coupon {\n        ...MyCoupon\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription MyCouponEvents {\n    couponEvents {\n      id\n      type\n      serverTime\n      coupon {\n        ...MyCoupon\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DistributionPreviewFields on DistributionPreview {\n    mode\n    requested\n    perMember\n    remainder\n    leftInBook\n    available\n    totalAssigned\n    shortfall\n    seed\n    perUser {\n      userId\n      count\n      extra\n      skippedReason\n      user {\n        id\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment DistributionPreviewFields on DistributionPreview {\n    mode\n    requested\n    perMember\n    remainder\n    leftInBook\n    available\n    totalAssigned\n    shortfall\n    seed\n    perUser {\n      userId\n      count\n      extra\n      skippedReason\n      user {\n        id\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PoolTableRow on Pool {\n    id\n    name\n    description\n    memberCount\n  }\n"): (typeof documents)["\n  fragment PoolTableRow on Pool {\n    id\n    name\n    description\n    memberCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PoolMemberRow on User {\n    id\n    email\n    role\n  }\n"): (typeof documents)["\n  fragment PoolMemberRow on User {\n    id\n    email\n    role\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PreviewDistribution($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!, $remainder: DistributionRemainder) {\n    previewDistribution(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count, remainder: $remainder) {\n      ...DistributionPreviewFields\n    }\n  }\n"): (typeof documents)["\n  mutation PreviewDistribution($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!, $remainder: DistributionRemainder) {\n    previewDistribution(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count, remainder: $remainder) {\n      ...DistributionPreviewFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DistributeToPool(\n    $poolId: ID!\n    $bookId: ID!\n    $mode: DistributionMode!\n    $count: Int!\n    $remainder: DistributionRemainder\n    $seed: String\n    $idempotencyKey: String\n  ) {\n    distributeToPool(\n      poolId: $poolId\n      bookId: $bookId\n      mode: $mode\n      count: $count\n      remainder: $remainder\n      seed: $seed\n      idempotencyKey: $idempotencyKey\n    ) {\n      id\n      mode\n      requested\n      assigned\n      remainder\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  mutation DistributeToPool(\n    $poolId: ID!\n    $bookId: ID!\n    $mode: DistributionMode!\n    $count: Int!\n    $remainder: DistributionRemainder\n    $seed: String\n    $idempotencyKey: String\n  ) {\n    distributeToPool(\n      poolId: $poolId\n      bookId: $bookId\n      mode: $mode\n      count: $count\n      remainder: $remainder\n      seed: $seed\n      idempotencyKey: $idempotencyKey\n    ) {\n      id\n      mode\n      requested\n      assigned\n      remainder\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PoolDetail($id: ID!) {\n    pool(id: $id) {\n      id\n      name\n      description\n      memberCount\n    }\n  }\n"): (typeof documents)["\n  query PoolDetail($id: ID!) {\n    pool(id: $id) {\n      id\n      name\n      description\n      memberCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PoolMembers($id: ID!, $first: Int, $after: String) {\n    pool(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...NextPage\n        }\n        edges {\n          cursor\n          node {\n            ...PoolMemberRow\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PoolMembers($id: ID!, $first: Int, $after: String) {\n    pool(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...NextPage\n        }\n        edges {\n          cursor\n          node {\n            ...PoolMemberRow\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddPoolMembers($poolId: ID!, $emails: [String!], $userIds: [ID!]) {\n    addPoolMembers(poolId: $poolId, emails: $emails, userIds: $userIds) {\n      id\n      memberCount\n      unknownEmails\n    }\n  }\n"): (typeof documents)["\n  mutation AddPoolMembers($poolId: ID!, $emails: [String!], $userIds: [ID!]) {\n    addPoolMembers(poolId: $poolId, emails: $emails, userIds: $userIds) {\n      id\n      memberCount\n      unknownEmails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemovePoolMembers($poolId: ID!, $userIds: [ID!]!) {\n    removePoolMembers(poolId: $poolId, userIds: $userIds) {\n      id\n      memberCount\n    }\n  }\n"): (typeof documents)["\n  mutation RemovePoolMembers($poolId: ID!, $userIds: [ID!]!) {\n    removePoolMembers(poolId: $poolId, userIds: $userIds) {\n      id\n      memberCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserSuggestions($emailContains: String, $first: Int) {\n    users(emailContains: $emailContains, first: $first) {\n      edges {\n        node {\n          ...PoolMemberRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UserSuggestions($emailContains: String, $first: Int) {\n    users(emailContains: $emailContains, first: $first) {\n      edges {\n        node {\n          ...PoolMemberRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePool($id: ID!, $input: UpdatePoolInput!) {\n    updatePool(id: $id, input: $input) {\n      id\n      name\n      description\n    }\n  }\n"): (typeof documents)["\n  mutation UpdatePool($id: ID!, $input: UpdatePoolInput!) {\n    updatePool(id: $id, input: $input) {\n      id\n      name\n      description\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeletePool($id: ID!) {\n    deletePool(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeletePool($id: ID!) {\n    deletePool(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Pools($first: Int, $after: String) {\n    pools(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...PoolTableRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Pools($first: Int, $after: String) {\n    pools(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...PoolTableRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePool($name: String!, $description: String) {\n    createPool(name: $name, description: $description) {\n      ...PoolTableRow\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePool($name: String!, $description: String) {\n    createPool(name: $name, description: $description) {\n      ...PoolTableRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUsers($search: String, $role: Role, $disabled: Boolean, $first: Int, $after: String) {\n    users(search: $search, role: $role, disabled: $disabled, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...UserTableRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminUsers($search: String, $role: Role, $disabled: Boolean, $first: Int, $after: String) {\n    users(search: $search, role: $role, disabled: $disabled, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...UserTableRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserAccount on User {\n    id\n    email\n    externalId\n    role\n    createdAt\n    ...UserAdminFields\n  }\n"): (typeof documents)["\n  fragment UserAccount on User {\n    id\n    email\n    externalId\n    role\n    createdAt\n    ...UserAdminFields\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserWithCoupons on User {\n    ...UserAccount\n    coupons(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...UserCouponRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment UserWithCoupons on User {\n    ...UserAccount\n    coupons(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...UserCouponRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserCoupons($email: String!, $first: Int, $after: String) {\n    userByEmail(email: $email) {\n      ...UserWithCoupons\n    }\n  }\n"): (typeof documents)["\n  query UserCoupons($email: String!, $first: Int, $after: String) {\n    userByEmail(email: $email) {\n      ...UserWithCoupons\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomerAccount($externalId: String!, $first: Int, $after: String) {\n    userByExternalId(externalId: $externalId) {\n      ...UserWithCoupons\n    }\n  }\n"): (typeof documents)["\n  query CustomerAccount($externalId: String!, $first: Int, $after: String) {\n    userByExternalId(externalId: $externalId) {\n      ...UserWithCoupons\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserAdminFields on User {\n    id\n    email\n    externalId\n    role\n    disabled\n    disabledAt\n  }\n"): (typeof documents)["\n  fragment UserAdminFields on User {\n    id\n    email\n    externalId\n    role\n    disabled\n    disabledAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserRole($userId: ID!, $role: Role!) {\n    setUserRole(userId: $userId, role: $role) {\n      ...UserAdminFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetUserRole($userId: ID!, $role: Role!) {\n    setUserRole(userId: $userId, role: $role) {\n      ...UserAdminFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableUser($userId: ID!) {\n    disableUser(userId: $userId) {\n      ...UserAdminFields\n    }\n  }\n"): (typeof documents)["\n  mutation DisableUser($userId: ID!) {\n    disableUser(userId: $userId) {\n      ...UserAdminFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnableUser($userId: ID!) {\n    enableUser(userId: $userId) {\n      ...UserAdminFields\n    }\n  }\n"): (typeof documents)["\n  mutation EnableUser($userId: ID!) {\n    enableUser(userId: $userId) {\n      ...UserAdminFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EraseUser($userId: ID!) {\n    eraseUser(userId: $userId)\n  }\n"): (typeof documents)["\n  mutation EraseUser($userId: ID!) {\n    eraseUser(userId: $userId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserTableRow on User {\n    id\n    email\n    externalId\n    role\n    disabled\n    createdAt\n  }\n"): (typeof documents)["\n  fragment UserTableRow on User {\n    id\n    email\n    externalId\n    role\n    disabled\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserCouponRow on Coupon {\n    ...MyCoupon\n  }\n"): (typeof documents)["\n  fragment UserCouponRow on Coupon {\n    ...MyCoupon\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookDeliveryRow on WebhookDelivery {\n    id\n    eventId\n    messageId\n    eventType\n    status\n    inFlight\n    attempts\n    nextAttemptAt\n    lastAttemptAt\n    responseStatus\n    responseBody\n    latencyMs\n    lastError\n    deliveredAt\n    createdAt\n  }\n"): (typeof documents)["\n  fragment WebhookDeliveryRow on WebhookDelivery {\n    id\n    eventId\n    messageId\n    eventType\n    status\n    inFlight\n    attempts\n    nextAttemptAt\n    lastAttemptAt\n    responseStatus\n    responseBody\n    latencyMs\n    lastError\n    deliveredAt\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookEndpointRow on WebhookEndpoint {\n    id\n    url\n    description\n    events\n    bookId\n    enabled\n    disabledReason\n    failingSince\n    createdAt\n  }\n"): (typeof documents)["\n  fragment WebhookEndpointRow on WebhookEndpoint {\n    id\n    url\n    description\n    events\n    bookId\n    enabled\n    disabledReason\n    failingSince\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEndpoints($first: Int, $after: String) {\n    webhookEndpoints(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...WebhookEndpointRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookEndpoints($first: Int, $after: String) {\n    webhookEndpoints(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        cursor\n        node {\n          ...WebhookEndpointRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      ...WebhookEndpointRow\n      updatedAt\n      previousSecretExpiresAt\n    }\n  }\n"): (typeof documents)["\n  query WebhookEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      ...WebhookEndpointRow\n      updatedAt\n      previousSecretExpiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($endpointId: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        node {\n          ...WebhookDeliveryRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($endpointId: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      edges {\n        node {\n          ...WebhookDeliveryRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      endpoint {\n        ...WebhookEndpointRow\n      }\n      secret\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      endpoint {\n        ...WebhookEndpointRow\n      }\n      secret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      ...WebhookEndpointRow\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      ...WebhookEndpointRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      endpoint {\n        ...WebhookEndpointRow\n        previousSecretExpiresAt\n      }\n      secret\n    }\n  }\n"): (typeof documents)["\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      endpoint {\n        ...WebhookEndpointRow\n        previousSecretExpiresAt\n      }\n      secret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendTestWebhook($id: ID!) {\n    sendTestWebhook(id: $id) {\n      ...WebhookDeliveryRow\n    }\n  }\n"): (typeof documents)["\n  mutation SendTestWebhook($id: ID!) {\n    sendTestWebhook(id: $id) {\n      ...WebhookDeliveryRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeliverWebhook($deliveryId: ID!) {\n    redeliverWebhook(deliveryId: $deliveryId) {\n      ...WebhookDeliveryRow\n    }\n  }\n"): (typeof documents)["\n  mutation RedeliverWebhook($deliveryId: ID!) {\n    redeliverWebhook(deliveryId: $deliveryId) {\n      ...WebhookDeliveryRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NextPage on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"): (typeof documents)["\n  fragment NextPage on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment Session on AuthPayload {\n    token\n    expiresAt\n    user {\n      id\n      email\n      role\n    }\n  }\n"): (typeof documents)["\n  fragment Session on AuthPayload {\n    token\n    expiresAt\n    user {\n      id\n      email\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshSession {\n    refreshSession {\n      ...Session\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshSession {\n    refreshSession {\n      ...Session\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ErrorExtensionsFields on ErrorExtensions {\n    code\n    field\n    fields\n    retryAfterSeconds\n    retryable\n    requestId\n  }\n"): (typeof documents)["\n  fragment ErrorExtensionsFields on ErrorExtensions {\n    code\n    field\n    fields\n    retryAfterSeconds\n    retryable\n    requestId\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;