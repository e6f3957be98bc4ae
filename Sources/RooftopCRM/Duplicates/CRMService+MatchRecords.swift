import Foundation
import RooftopModel
import RooftopStore

extension CRMService {
    /// The match records of every visible customer (not deleted, not absorbed by a merge), ordered by id.
    /// - Parameter ids: only these customers, when given.
    /// - Throws: database errors.
    public func matchRecords(ids: [String]? = nil) throws -> [MatchRecord] {
        try replica.snapshot { tx in try Self.matchRecords(tx, ids: ids) }
    }

    /// - Parameter vins: whether to read the customers' VINs (a record without VINs compares none:
    ///   ``FieldComparator`` reads a missing VIN as `missing` whatever the other holds).
    static func matchRecords(_ tx: StoreTransaction, ids: [String]?, vins: Bool = true) throws -> [MatchRecord] {
        Self.keys(try matchInputs(tx, ids: ids, vins: vins))
    }

    /// The stored values the match records are computed from (``matchRecords(ids:)``), ordered by id.
    /// - Throws: database errors.
    public func matchInputs(ids: [String]? = nil) throws -> [MatchInput] {
        try replica.snapshot { tx in try Self.matchInputs(tx, ids: ids) }
    }

    /// The most ids a lookup (``matchInputs(_:ids:vins:)``) runs through the connection's statement
    /// cache: a duplicate check's candidates. A sample's thousands are looked up once, uncached.
    static let cachedLookupMaximumIDs = 256

    static func matchInputs(_ tx: StoreTransaction, ids: [String]?, vins: Bool = true) throws -> [MatchInput] {
        let visible = "_created IS NOT NULL AND _deleted IS NULL"
        var filter = "", childFilter = ""
        var arguments: [FieldValue] = []
        if let ids {
            guard !ids.isEmpty else { return [] }
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            filter = " AND id IN (\(marks))"
            childFilter = " AND customerId IN (\(marks))"
            arguments = ids.map(FieldValue.text)
        }
        // A lookup of a few ids runs per new record: its statements (one text per id count) are cached.
        // The full load streams its rows (a million customers are not collected twice), and so does a
        // sample's lookup of many ids: a cached statement with 90,000 ids in its `IN` list kept 77 MB
        // for as long as the connection lived (through a whole checked import).
        func each(_ sql: String, _ arguments: [FieldValue], _ body: ([FieldValue]) throws -> Void) throws {
            if (ids?.count ?? .max) > Self.cachedLookupMaximumIDs {
                try tx.forEachRow(sql, arguments: arguments, body)
            } else {
                try tx.cachedValues(sql, arguments: arguments).forEach(body)
            }
        }
        var inputs: [MatchInput] = []
        var index: [String: Int] = [:]
        try each("""
            SELECT id, contactType, firstName, lastName, businessName, email, birthDate FROM customer
            WHERE \(visible) AND _mergedInto IS NULL\(filter) ORDER BY id
            """, arguments) { row in
            guard let id = row[0].textValue else { return }
            var input = MatchInput(id: id)
            input.contactType = row[1].textValue
            input.firstName = row[2].textValue
            input.lastName = row[3].textValue
            input.businessName = row[4].textValue
            input.email = row[5].textValue
            input.birthDate = row[6].textValue
            index[id] = inputs.count
            inputs.append(input)
        }
        try each("""
            SELECT customerId, number, type FROM customerPhone WHERE \(visible)\(childFilter) ORDER BY customerId, "primary" DESC, id
            """, arguments) { row in
            guard let owner = row[0].textValue, let i = index[owner], let number = row[1].textValue else { return }
            inputs[i].phones.append((number, row[2].textValue))
        }
        try each("""
            SELECT customerId, street, city, postalCode FROM customerAddress WHERE \(visible)\(childFilter)
            ORDER BY customerId, "primary" DESC, id
            """, arguments) { row in
            guard let owner = row[0].textValue, let i = index[owner] else { return }
            inputs[i].addresses.append((row[1].textValue, row[2].textValue, row[3].textValue))
        }
        guard vins else { return inputs }
        let vehicleFilter = ids == nil ? "" : childFilter.replacingOccurrences(of: "customerId", with: "cv.customerId")
        try each("""
            SELECT cv.customerId, v.vin FROM customerVehicle cv JOIN vehicle v ON v.id = cv.vehicleId
            WHERE cv._created IS NOT NULL AND cv._deleted IS NULL AND v._created IS NOT NULL AND v._deleted IS NULL
              AND v.vin IS NOT NULL\(vehicleFilter) ORDER BY cv.customerId, v.vin
            """, arguments) { row in
            guard let owner = row[0].textValue, let i = index[owner], let vin = row[1].textValue else { return }
            inputs[i].vins.append(vin)
        }
        return inputs
    }

    /// ``MatchKeys/record(_:)`` of each input, in order; on every core when there are many.
    static func keys(_ inputs: [MatchInput]) -> [MatchRecord] {
        let chunks = inputs.count >= 20_000 ? ProcessInfo.processInfo.activeProcessorCount : 1
        guard chunks > 1 else { return inputs.map(MatchKeys.record) }
        let size = (inputs.count + chunks - 1) / chunks
        return [MatchRecord](unsafeUninitializedCapacity: inputs.count) { buffer, count in
            nonisolated(unsafe) let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for i in (chunk * size)..<min(inputs.count, (chunk + 1) * size) {
                    (base + i).initialize(to: MatchKeys.record(inputs[i]))
                }
            }
            count = inputs.count
        }
    }
}
