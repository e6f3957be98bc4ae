import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// Replicas exchanging changes directly (per origin, in HLC order, as the hub relays them), and
/// what the merge tests check on each.
enum MergeExchange {
    /// Applies to `to` every change `from` holds that `to` has not seen, origin by origin.
    static func send(_ from: Replica, to: Replica) throws {
        let seen = try to.versionVector()
        for (origin, _) in try from.versionVector().entries where origin != to.rooftop {
            let changeset = try from.changeset(origin: origin, after: seen[origin], limit: 1_000_000)
            if !changeset.changes.isEmpty { try to.apply(changeset) }
        }
    }

    /// Every replica sends to every other until all have seen everything.
    static func syncAll(_ replicas: [Replica]) throws {
        for _ in 0..<2 {
            for from in replicas { for to in replicas where to !== from { try send(from, to: to) } }
        }
    }

    /// The absorbed → survivor map.
    static func aliases(_ replica: Replica) throws -> [String: String] { try replica.customerAliases() }

    /// Child rows (any customer child table) stored under an absorbed customer id: must be none.
    static func rowsReferencingAbsorbed(_ replica: Replica) throws -> Int {
        try replica.transaction { tx in
            var count: Int64 = 0
            for entity in CRMSchema.children(of: CRMSchema.customer.table) {
                count += try tx.integer("SELECT count(*) FROM \(entity.table) WHERE customerId IN (SELECT id FROM customerAlias)")
            }
            return Int(count)
        }
    }

    /// Everything that must be equal on replicas that have seen the same changes: the content
    /// digests, the derived aliases, and every customer as staff read it.
    static func expectConverged(_ replicas: [Replica], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let first = replicas[0]
        if ProcessInfo.processInfo.environment["MERGE_DEBUG"] != nil {
            for r in replicas {
                print("== \(r.rooftop) aliases", try aliases(r).sorted { $0.key < $1.key })
                print(try r.transaction { try $0.values("SELECT id, fromId, intoId, unmerged, _created, _createdBy, _deleted FROM customerMerge ORDER BY id") })
                print(try r.transaction { try $0.values("SELECT id, _created, _deleted, _mergedInto FROM customer ORDER BY id") })
                print(try r.transaction { try $0.values("SELECT customerId FROM erasedCustomer ORDER BY 1") })
            }
        }
        let customers = try first.customers(limit: 1000).map(\.json)
        for other in replicas.dropFirst() {
            #expect(try other.digest() == first.digest(), "digests of \(other.rooftop) and \(first.rooftop)", sourceLocation: sourceLocation)
            #expect(try aliases(other) == aliases(first), "aliases of \(other.rooftop) and \(first.rooftop)", sourceLocation: sourceLocation)
            #expect(try other.customers(limit: 1000).map(\.json) == customers, "customers of \(other.rooftop)", sourceLocation: sourceLocation)
        }
        for replica in replicas {
            #expect(try replica.rowsDifferingFromTheirHistory().isEmpty, "\(replica.rooftop): rows differ from their history", sourceLocation: sourceLocation)
            #expect(try rowsReferencingAbsorbed(replica) == 0, "\(replica.rooftop) stores a child under an absorbed id", sourceLocation: sourceLocation)
        }
    }
}
