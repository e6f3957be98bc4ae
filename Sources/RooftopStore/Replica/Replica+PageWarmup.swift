import Foundation
import GRDB

/// What ``Replica/warmSearchPages(budgetBytes:)`` read.
public struct PageWarmup: Sendable, Equatable {
    /// One B-tree (table or index) and its size: pages × page size, overflow pages included, bytes.
    public struct Tree: Sendable, Equatable {
        public var name: String
        public var bytes: Int64
    }
    /// The B-trees read, in order.
    public var read: [Tree]
    /// Listed B-trees left unread because the budget was spent.
    public var skipped: [String]
    /// The bytes read in all.
    public var bytes: Int64 { read.reduce(0) { $0 + $1.bytes } }
}

extension Replica {
    /// The B-trees a search or a page of customers reads, most needed first: the search indexes (names,
    /// e-mail, phone digits, VIN), then the rows a result shows (customer, phones, addresses, tags,
    /// loyalty, merges). Vehicles and the change log are left out: a VIN search reads one vehicle.
    public static let searchPageTrees = [
        "customerSearchText_data", "customerSearchText_idx", "customerSearchDoc", "sqlite_autoindex_customerSearchDoc_1",
        "customer_lastName", "customer_firstName", "customer_businessName", "customer_email",
        "customerPhone_reversed", "customerPhone_number",
        "vinSearchText_data", "vinSearchText_idx", "vinSearchDoc", "sqlite_autoindex_vinSearchDoc_1", "vehicle_vin",
        "customerAddress_place", "customer_tierRank",
        "customer", "customerPhone_customerId", "customerPhone", "customerAddress_customerId", "customerAddress",
        "customerTag_customerId", "customerTag", "loyaltyEvent_customerId", "loyaltyEvent",
        "customerAlias_survivorId", "customerAlias", "customerMerge_fromId", "customerMerge_intoId", "customerMerge",
    ]

    /// Reads the pages of ``searchPageTrees`` once, so that the operating system's file cache holds
    /// them and a node's first searches after a start do not wait for the disk (at a million customers
    /// the first pass of two-name searches had a p99 of 24 ms with the file out of the cache, 10 ms
    /// with these pages in it; README "A million customers on one rooftop"). Like PostgreSQL's
    /// `pg_prewarm`: nothing is kept in this process (each B-tree is walked by SQLite's `dbstat`
    /// table in a read transaction of its own, through a reader's small page cache); the kernel
    /// drops the pages again under memory pressure.
    ///
    /// - Parameter budgetBytes: stop once this many bytes are read (the B-tree that passes it is read
    ///   whole); default a quarter of physical memory.
    /// - Returns: the B-trees read with their size, and those skipped. A name the file does not hold
    ///   (an older schema) is passed over.
    /// - Throws: database errors; `SQLITE_ERROR` "no such table: dbstat" with an SQLite built
    ///   without `SQLITE_ENABLE_DBSTAT_VTAB`.
    public func warmSearchPages(budgetBytes: Int64 = Int64(ProcessInfo.processInfo.physicalMemory / 4)) throws -> PageWarmup {
        let present = Set(try pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE rootpage > 0") })
        var warmup = PageWarmup(read: [], skipped: [])
        for name in Self.searchPageTrees where present.contains(name) {
            guard warmup.bytes < budgetBytes else {
                warmup.skipped.append(name)
                continue
            }
            let bytes = try pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?", arguments: [name]) ?? 0
            }
            warmup.read.append(.init(name: name, bytes: bytes))
        }
        return warmup
    }
}
