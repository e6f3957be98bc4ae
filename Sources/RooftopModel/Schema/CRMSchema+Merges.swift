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
}
