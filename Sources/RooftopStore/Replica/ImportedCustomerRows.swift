import Foundation
import GRDB
import RooftopModel

/// The import ledger: for each customer an import created from a row keyed by its source system's
/// `externalId`, a hash of that row (migration `v21-imported-customer-rows`). Local to this replica:
/// never in a changeset; the entry goes when its customer is erased or purged.
extension StoreTransaction {
    /// The hash recorded with customer `id` by ``recordImportedRow(customer:contentHash:)``, or nil
    /// (not created by a keyed import here, or before migration v21).
    /// - Throws: database errors.
    public func importedRowHash(customer id: RowID) throws -> Data? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT contentHash FROM importedCustomerRow WHERE customerId = ?"), arguments: [id.string])
    }

    /// Records that customer `id` was created from a row whose fields hash to `contentHash` (any
    /// length; an import uses SHA-256, 32 bytes); replaces an earlier entry.
    /// - Throws: database errors.
    public func recordImportedRow(customer id: RowID, contentHash: Data) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO importedCustomerRow (customerId, contentHash) VALUES (?, ?)")
            .execute(arguments: [id.string, contentHash])
    }
}
