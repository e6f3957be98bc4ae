import Foundation
import GRDB
import RooftopModel

/// The import ledger (`importedCustomerKey`, migration `v25-import-ids-in-write-order`): for each row
/// keyed by its source system's `externalId` that an import here made a customer of, the key's id
/// (the UUIDv8 of the key, `sync-protocol/import-ids.md`), the customer and a hash of that row. Local
/// to this replica: never in a changeset. When its customer is erased or purged the entry keeps the
/// key and the customer's id and forgets the hash.
extension StoreTransaction {
    /// A ledger entry: the customer a key was imported as, and the hash of its row (nil once the
    /// customer was erased or purged).
    public struct ImportedKey: Equatable, Sendable {
        public let customerId: RowID
        public let contentHash: Data?

        public init(customerId: RowID, contentHash: Data?) {
            self.customerId = customerId
            self.contentHash = contentHash
        }
    }

    /// The entry recorded for key id `keyID` by ``recordImportedRow(key:customer:contentHash:)``, or
    /// nil (the key was not imported here since migration v21).
    /// - Throws: database errors.
    public func importedKey(_ keyID: RowID) throws -> ImportedKey? {
        let statement = try db.cachedStatement(sql: "SELECT customerId, contentHash FROM importedCustomerKey WHERE keyId = ?")
        guard let row = try Row.fetchOne(statement, arguments: [keyID.string]) else { return nil }
        let customer: String = row[0]
        guard let id = RowID(customer) else { return nil }
        return ImportedKey(customerId: id, contentHash: row[1])
    }

    /// Records that the row keyed `keyID`, whose fields hash to `contentHash` (any length; an import
    /// uses SHA-256, 32 bytes), was imported as customer `customer`; replaces an earlier entry of the key.
    /// - Throws: database errors.
    public func recordImportedRow(key keyID: RowID, customer: RowID, contentHash: Data) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO importedCustomerKey (keyId, customerId, contentHash) VALUES (?, ?, ?)")
            .execute(arguments: [keyID.string, customer.string, contentHash])
    }
}
