import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// What a merge did (or, in a dry run, would do).
public struct CustomerMergeResult: Sendable {
    /// The customer the component shows after the merge: the survivor with the merged fields and
    /// every member's phones, addresses, tags, loyalty events and other children.
    public let customer: CustomerRecord
    /// The merge record written (the audit entry); in a dry run, the one that would be written.
    public let merge: StoredRow
    /// True when nothing was written.
    public let dryRun: Bool

    /// `{"customer": Customer, "merge": CustomerMerge, "dryRun": bool, "survivorId": uuid, "absorbedIds": [uuid]}`.
    public var json: JSONValue {
        .object(["customer": customer.json, "merge": .object(merge.json), "dryRun": .bool(dryRun),
                 "survivorId": .string(customer.customer.id.string), "absorbedIds": .array(customer.mergedFrom.map { .string($0.string) })])
    }
}

/// The result of an unmerge: the merge records undone and every customer they had joined.
public struct CustomerUnmergeResult: Sendable {
    /// Each customer the undone merges had joined, as it reads now (the named one first).
    public let customers: [CustomerRecord]
    /// The merge records undone (`unmerged` true, with who and when).
    public let unmerged: [StoredRow]

    /// `{"customers": [Customer], "unmerged": [CustomerMerge]}`.
    public var json: JSONValue {
        .object(["customers": .array(customers.map(\.json)), "unmerged": .array(unmerged.map { .object($0.json) })])
    }
}

extension CRMService {
    /// How long a merge can be undone (decision 9: merge metadata is compacted after the retention
    /// horizon), in ms: 90 days.
    public static let unmergeHorizonMilliseconds: UInt64 = 90 * 86_400_000

    /// Merges duplicate customer `from` into `into` (decision 6, `sync-protocol/customer-merge.md`):
    /// writes one `customerMerge` record, which every replica applies the same way. The survivor is
    /// the customer of the two components created first (it need not be `into`); the other's id
    /// keeps resolving to it (`mergedInto`), its children move to it, and its fields combine by
    /// the rules of ``MergedCustomer``.
    /// - Parameters:
    ///   - from: the duplicate (an absorbed id stands for its survivor).
    ///   - into: the customer to keep it with.
    ///   - user: who merges (audit), up to 256 characters.
    ///   - reason: why (audit), up to 256 characters.
    ///   - dryRun: compute exactly the record the merge produces, write nothing.
    /// - Returns: the merged customer and the merge record.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE` when either customer is not visible,
    ///   `CONFLICT` when they are already one customer (or the same id); ``FieldInputError`` for a
    ///   `mergedBy` or `reason` longer than 256 characters.
    public func mergeCustomer(_ from: RowID, into: RowID, by user: String? = nil, reason: String? = nil,
                              dryRun: Bool = false) throws -> CustomerMergeResult {
        var values: [String: FieldValue] = ["fromId": .text(from.string), "intoId": .text(into.string), "unmerged": .integer(0)]
        for (name, text) in [("mergedBy", user), ("reason", reason)] {
            guard let text, !text.isEmpty else { continue }
            values[name] = try CRMSchema.customerMerge.field(name)!.type.storedValue(for: .string(text), at: "/\(name)")
        }
        struct Rollback: Error { let result: CustomerMergeResult }
        do {
            return try replica.transaction { tx in
                if from == into { throw ReplicaError(.conflict, "a customer cannot be merged with itself") }
                let fromRow = try tx.visibleRow(CRMSchema.customer, id: from)
                let intoRow = try tx.visibleRow(CRMSchema.customer, id: into)
                if fromRow.id == intoRow.id {
                    throw ReplicaError(.conflict, "customers \(from) and \(into) are already one customer (\(intoRow.id))")
                }
                let id = tx.replica.newRowID()
                try tx.write([LocalWrite(.insert, CRMSchema.customerMerge, id: id, values: values)])
                guard var merged = try tx.customers(ids: [intoRow.id]).first, let record = try tx.row(CRMSchema.customerMerge, id: id) else {
                    throw ReplicaError(.corrupt, "the merged customer could not be read back")
                }
                merged.mergedInto = nil  // the answer is the survivor itself (survivorId), not a read by an absorbed id
                let result = CustomerMergeResult(customer: merged, merge: record, dryRun: dryRun)
                // A dry run computes the very record a merge writes, then rolls the transaction back.
                if dryRun { throw Rollback(result: result) }
                return result
            }
        } catch let rollback as Rollback {
            return rollback.result
        }
    }

    /// Undoes every live merge that names `id` (decision 6, `sync-protocol/customer-merge.md#unmerge`):
    /// sets `unmerged` on those records, so on every replica `id` becomes its own customer again
    /// with the children whose inserts named it and its own fields; what was added to the survivor
    /// after the merge stays with the survivor.
    /// - Parameter user: who undoes it (audit).
    /// - Returns: the records undone, and each customer they had joined as it now stands.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE` for an unknown customer, `CONFLICT` when no
    ///   live merge names it, or one is older than ``unmergeHorizonMilliseconds``.
    public func unmergeCustomer(_ id: RowID, by user: String? = nil) throws -> CustomerUnmergeResult {
        try replica.transaction { tx in
            _ = try tx.visibleRow(CRMSchema.customer, id: id)
            let merges = try tx.rows(CRMSchema.customerMerge, where: "(fromId = ? OR intoId = ?) AND coalesce(unmerged, 0) = 0",
                                     arguments: [.text(id.string), .text(id.string)], orderBy: "_created, id")
            guard !merges.isEmpty else { throw ReplicaError(.conflict, "no merge in force names customer \(id): there is nothing to undo (undone merges stay in GET /api/crm/customer-merges)") }
            let now = replica.wallClock.nowMilliseconds()
            if let old = merges.first(where: { ($0.created?.hlc.milliseconds ?? now) + Self.unmergeHorizonMilliseconds < now }) {
                throw ReplicaError(.conflict, "merge \(old.id) is older than the retention horizon (90 days): it can no longer be undone")
            }
            var values: [String: FieldValue] = ["unmerged": .integer(1), "unmergedAt": .text(Timestamp.string(milliseconds: now))]
            if let user, !user.isEmpty {
                values["unmergedBy"] = try CRMSchema.customerMerge.field("unmergedBy")!.type.storedValue(for: .string(user), at: "/unmergedBy")
            }
            try tx.write(merges.map { LocalWrite(.update, CRMSchema.customerMerge, id: $0.id, values: values) })
            var ids: [RowID] = [id]
            for merge in merges {
                for name in ["fromId", "intoId"] {
                    if case .text(let text) = merge[name], let other = RowID(text), !ids.contains(other) { ids.append(other) }
                }
            }
            var seen = Set<RowID>()
            let customers = try tx.customers(ids: ids).filter { seen.insert($0.customer.id).inserted }
            return CustomerUnmergeResult(customers: customers, unmerged: try merges.compactMap { try tx.row(CRMSchema.customerMerge, id: $0.id) })
        }
    }
}
