import Foundation
import GRDB
import RooftopModel
@testable import RooftopStore
import RooftopTesting
import Testing

/// A node reads its search pages ahead as it starts (`Replica.warmSearchPages`): every B-tree a search
/// and its result page read, and nothing past the budget.
@Suite struct PageWarmupTests {
    /// Every listed B-tree exists in a current replica (a renamed index would otherwise be passed over
    /// in silence), each is read in the listed order, and each size is the B-tree's pages.
    @Test func everySearchTreeOfTheSchemaIsReadInOrderWithItsSize() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        for n in 0..<300 {
            _ = try t.replica.createCustomer(CustomerInput(
                fields: ["firstName": .text("Ana\(n)"), "lastName": .text("Kowalski"), "email": .text("ana\(n)@example.com")],
                phones: [ChildInput(fields: ["number": .text("+1303555" + String(format: "%04d", n))])]))
        }
        let warmup = try t.replica.warmSearchPages()
        #expect(warmup.read.map(\.name) == Replica.searchPageTrees)
        #expect(warmup.skipped.isEmpty)
        let pageSize = try t.replica.pool.read { db in try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0 }
        let customerPages = try t.replica.pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT count(*) FROM dbstat WHERE name = 'customer'") ?? 0
        }
        #expect(customerPages > 1)
        #expect(warmup.read.first { $0.name == "customer" }?.bytes == customerPages * pageSize)
        #expect(warmup.read.allSatisfy { $0.bytes > 0 && $0.bytes % pageSize == 0 })
    }

    /// The budget stops the walk after the B-tree that passes it; the rest are named as skipped.
    @Test func theBudgetStopsTheWalk() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let warmup = try t.replica.warmSearchPages(budgetBytes: 1)
        #expect(warmup.read.map(\.name) == [Replica.searchPageTrees[0]])
        #expect(warmup.skipped == Array(Replica.searchPageTrees.dropFirst()))
    }
}
