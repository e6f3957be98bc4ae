import RooftopModel
import RooftopStore

extension CRMService {
    /// The match records of every visible customer (not deleted, not absorbed by a merge), ordered by id.
    /// - Parameter ids: only these customers, when given.
    /// - Throws: database errors.
    public func matchRecords(ids: [String]? = nil) throws -> [MatchRecord] {
        try replica.snapshot { tx in try Self.matchRecords(tx, ids: ids) }
    }

    static func matchRecords(_ tx: StoreTransaction, ids: [String]?) throws -> [MatchRecord] {
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
        let query: (String, [FieldValue]) throws -> [[FieldValue]] = ids == nil ? { try tx.values($0, arguments: $1) } : { try tx.cachedValues($0, arguments: $1) }
        var inputs: [MatchInput] = []
        var index: [String: Int] = [:]
        for row in try query("""
            SELECT id, contactType, firstName, lastName, businessName, email, birthDate FROM customer
            WHERE \(visible) AND _mergedInto IS NULL\(filter) ORDER BY id
            """, arguments) {
            guard let id = row[0].textValue else { continue }
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
        for row in try query("""
            SELECT customerId, number, type FROM customerPhone WHERE \(visible)\(childFilter) ORDER BY customerId, "primary" DESC, id
            """, arguments) {
            guard let owner = row[0].textValue, let i = index[owner], let number = row[1].textValue else { continue }
            inputs[i].phones.append((number, row[2].textValue))
        }
        for row in try query("""
            SELECT customerId, street, city, postalCode FROM customerAddress WHERE \(visible)\(childFilter)
            ORDER BY customerId, "primary" DESC, id
            """, arguments) {
            guard let owner = row[0].textValue, let i = index[owner] else { continue }
            inputs[i].addresses.append((row[1].textValue, row[2].textValue, row[3].textValue))
        }
        let vehicleFilter = ids == nil ? "" : childFilter.replacingOccurrences(of: "customerId", with: "cv.customerId")
        for row in try query("""
            SELECT cv.customerId, v.vin FROM customerVehicle cv JOIN vehicle v ON v.id = cv.vehicleId
            WHERE cv._created IS NOT NULL AND cv._deleted IS NULL AND v._created IS NOT NULL AND v._deleted IS NULL
              AND v.vin IS NOT NULL\(vehicleFilter) ORDER BY cv.customerId, v.vin
            """, arguments) {
            guard let owner = row[0].textValue, let i = index[owner], let vin = row[1].textValue else { continue }
            inputs[i].vins.append(vin)
        }
        return inputs.map(MatchKeys.record)
    }
}
