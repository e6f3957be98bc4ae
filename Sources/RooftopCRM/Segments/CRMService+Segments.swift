import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

extension CRMService {
    /// Re-evaluates a segment on this rooftop's replica and records its member count and the
    /// time (local to this rooftop: each rooftop refreshes from its own replica; the same data
    /// gives the same members everywhere).
    /// - Returns: the segment as served, with the new `memberCount` and `lastRefreshed`.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE`.
    public func refreshSegment(id: RowID) throws -> EntityDocument {
        try replica.transaction { tx in
            let segment = try tx.visibleRow(CRMSchema.customerSegment, id: id)
            let count = try SegmentMembers.count(segment, tx)
            try tx.executeLocal("INSERT OR REPLACE INTO segmentRefresh (segmentId, memberCount, refreshedAt) VALUES (?, ?, ?)",
                                arguments: [.text(id.string), .integer(count), .integer(Int64(tx.replica.wallClock.nowMilliseconds()))])
            return try Self.document(segment, tx)
        }
    }

    /// A page of a segment's members (customers in id order).
    /// - Parameters:
    ///   - cursor: ``ListPage/nextCursor`` of the previous page.
    ///   - limit: 1...``maxLimit``.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE`, `INVALID` for a bad cursor.
    public func segmentMembers(id: RowID, cursor: String?, limit: Int) throws -> (items: [CustomerRecord], nextCursor: String?) {
        try replica.snapshot { tx in
            let segment = try tx.visibleRow(CRMSchema.customerSegment, id: id)
            var query = ListQuery(CRMSchema.customer, limit: limit)
            query.conditions = [try SegmentMembers.condition(segment, tx)]
            query.cursor = cursor
            let page = try tx.list(query)
            return (try tx.customers(ids: page.rows.map(\.id)), page.nextCursor)
        }
    }

    /// Adds customers to, or removes them from, a static segment (an add-wins set,
    /// `sync-protocol/merge-rules.md#add-wins-set`): an add writes a new element row; a remove
    /// marks the element rows this rooftop has seen.
    /// - Returns: the segment as served.
    /// - Throws: ``ReplicaError`` `CONFLICT` for a dynamic segment (its members follow its
    ///   criteria), `NOT_FOUND`/`GONE` for the segment or a customer (`INVALID` names which).
    public func changeSegmentMembers(id: RowID, add: [RowID], remove: [RowID]) throws -> EntityDocument {
        try replica.transaction { tx in
            let segment = try tx.visibleRow(CRMSchema.customerSegment, id: id)
            guard segment["type"].textValue == "Static" else {
                throw ReplicaError(.conflict, "segment \(id) is Dynamic: its members follow its criteria; make it Static to list members by hand")
            }
            var writes: [LocalWrite] = []
            for customer in add {
                _ = try tx.visibleRow(CRMSchema.customer, id: customer)
                let present = try tx.rows(CRMSchema.segmentMember, where: "segmentId = ? AND customerId = ? AND coalesce(removed, 0) = 0",
                                          arguments: [.text(id.string), .text(customer.string)])
                guard present.isEmpty else { continue }
                writes.append(LocalWrite(.insert, CRMSchema.segmentMember, id: tx.replica.newRowID(),
                                         values: ["segmentId": .text(id.string), "customerId": .text(customer.string), "removed": .integer(0)]))
            }
            for customer in remove {
                for element in try tx.rows(CRMSchema.segmentMember, where: "segmentId = ? AND customerId = ? AND coalesce(removed, 0) = 0",
                                           arguments: [.text(id.string), .text(customer.string)]) {
                    writes.append(LocalWrite(.update, CRMSchema.segmentMember, id: element.id, values: ["removed": .integer(1)]))
                }
            }
            try tx.write(writes)
            return try Self.document(segment, tx)
        }
    }
}
