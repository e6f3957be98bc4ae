extension CRMSchema {
    /// A duplicate-customer merge (schema 5; `sync-protocol/customer-merge.md`): staff said that
    /// `fromId` and `intoId` are one person. A replicated record, so the merge happens on every
    /// replica: the live merges join customers into components, and each component shows one
    /// customer, its **survivor**, the member created first (earliest creation HLC, then lowest id),
    /// which need not be `intoId`. The other members are absorbed: their ids resolve to the
    /// survivor (`mergedInto`), and every child row naming them is stored under the survivor.
    /// `unmerged` undoes the merge (an LWW register that only goes 0 → 1; a later merge of the same
    /// pair is a new record). The record is also the audit entry: who (`mergedBy`), where
    /// (`homeRooftop`) and when (`createdAt`).
    public static let customerMerge = EntitySchema(table: "customerMerge", fields: [
        FieldSpec("fromId", .uuid, since: 5, "the customer staff merged (absorbed unless it was created first)"),
        FieldSpec("intoId", .uuid, since: 5, "the customer staff merged it into"),
        FieldSpec("mergedBy", text, since: 5, "the user who merged"),
        FieldSpec("reason", text, since: 5, "why, as staff gave it (a review-queue score, a note)"),
        FieldSpec("unmerged", .boolean, since: 5, "true once the merge was undone"),
        FieldSpec("unmergedBy", text, since: 5, "the user who undid it"),
        FieldSpec("unmergedAt", .dateTime, since: 5, "when it was undone"),
        FieldSpec("homeRooftop", .text(maxLength: 63), system: true, since: 5),
        FieldSpec("createdAt", .dateTime, system: true, since: 5),
        FieldSpec("updatedAt", .dateTime, system: true, since: 5),
    ], resource: EntityResource(
        path: "customer-merges", name: "CustomerMerge", filters: ["fromId", "intoId", "unmerged", "homeRooftop"], sorts: ["createdAt", "updatedAt"],
        writable: false,
        summary: "The audit of duplicate-customer merges: who merged which two customers, where and when, and whether it was undone. Written by POST /api/crm/customers/{id}/merge and /unmerge."),
        since: 5)

    /// A reviewer's decision on a pair of customers detection flagged as possible duplicates
    /// (schema 6; `sync-protocol/duplicate-detection.md#decisions`): `dismissed` says they are two
    /// people, so no rooftop's review queue shows the pair again. Its id derives from the pair
    /// (`DerivedID`, the two ids in ascending order), so two rooftops deciding on one pair write one
    /// row, whose fields merge as LWW registers; a later decision (dismissed false) reopens it.
    /// `customerA` < `customerB`. Confirming a pair is a merge (``customerMerge``).
    public static let duplicateDecision = EntitySchema(table: "duplicateDecision", fields: [
        FieldSpec("customerA", .uuid, since: 6, "the pair's lower customer id"),
        FieldSpec("customerB", .uuid, since: 6, "the pair's higher customer id"),
        FieldSpec("dismissed", .boolean, since: 6, "true: two different people, not shown for review again"),
        FieldSpec("decidedBy", text, since: 6, "the user who decided"),
        FieldSpec("note", text, since: 6, "why, as the reviewer gave it"),
        FieldSpec("homeRooftop", .text(maxLength: 63), system: true, since: 6),
        FieldSpec("createdAt", .dateTime, system: true, since: 6),
        FieldSpec("updatedAt", .dateTime, system: true, since: 6),
    ], resource: EntityResource(
        path: "duplicate-decisions", name: "DuplicateDecision", filters: ["customerA", "customerB", "dismissed", "homeRooftop"],
        sorts: ["createdAt", "updatedAt"], writable: false,
        summary: "Reviewers' decisions on possible duplicate customers: a dismissed pair is two people and is not queued again on any rooftop. Written by POST /api/crm/duplicates/dismiss."),
        since: 6)
}
