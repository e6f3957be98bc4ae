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
        /// The customer the key's row was imported as (or, for an import before the ledger, the
        /// customer whose id is the key's).
        public let customerId: RowID
        /// The hash recorded with the row (an import's: SHA-256, 32 bytes), or nil when not known.
        public let contentHash: Data?

        /// An entry for `customerId` with the row hash `contentHash` (nil: not known).
        public init(customerId: RowID, contentHash: Data?) {
            self.customerId = customerId
            self.contentHash = contentHash
        }
    }

    /// The entry recorded for key id `keyID` by ``recordImportedRow(key:customer:contentHash:)``, or
    /// nil (the key was not imported here since migration v21).
    /// - Throws: database errors.
    public func importedKey(_ keyID: RowID) throws -> ImportedKey? {
        // Stepped through the handle: an import asks this of each new keyed row, twice.
        try DirectBinding.firstRow(db.cachedStatement(sql: "SELECT customerId, contentHash FROM importedCustomerKey WHERE keyId = ?"), in: db,
                                   bind: { $0.bind(keyID.string) }) { handle -> ImportedKey? in
            guard case .text(let customer) = DirectBinding.column(handle, 0), let id = RowID(customer) else { return nil }
            guard case .blob(let hash) = DirectBinding.column(handle, 1) else { return ImportedKey(customerId: id, contentHash: nil) }
            return ImportedKey(customerId: id, contentHash: Data(hash))
        } ?? nil
    }

    /// Records that the row keyed `keyID`, whose fields hash to `contentHash` (any length; an import
    /// uses SHA-256, 32 bytes), was imported as customer `customer`; replaces an earlier entry of the key.
    /// - Throws: database errors.
    public func recordImportedRow(key keyID: RowID, customer: RowID, contentHash: Data) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO importedCustomerKey (keyId, customerId, contentHash) VALUES (?, ?, ?)")
        try DirectBinding.with(statement) { binding in
            binding.bind(keyID.string)
            binding.bind(customer.string)
            binding.bind(bytes: Array(contentHash))
            try binding.execute(in: db)
        }
    }
}
