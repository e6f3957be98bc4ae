import GRDB
import GRDBSQLite
import RooftopModel
import RooftopReplication

extension Replica {
    static func selectRowsSQL(_ entity: EntitySchema, where condition: String, suffix: String) -> String {
        let columns = entity.fields.map(\.name.quotedDatabaseIdentifier).joined(separator: ", ")
        return "SELECT id, \(columns), \(RowIO.replicationColumns) FROM \(entity.table.quotedDatabaseIdentifier) WHERE \(ReplicaMigrations.visible(entity)) AND (\(condition)) \(suffix)"
    }

    /// Visible rows of `entity` meeting `condition`, decoded with their stamps.
    /// - Parameter cached: keep the prepared statement in the connection's cache: only for SQL text that
    ///   never varies (`id = ?`). A cached statement stays for the connection's life (about 20 KB, 167 KB
    ///   with 1,000 ids in an `IN` list): text with a varying `IN` list or `LIMIT` is prepared each time.
    /// - Parameter stamps: false reads each row without its field stamps (``StoredRow/stamps`` empty):
    ///   for rows only shown (see ``customerRecords(_:ids:stamps:)``).
    static func storedRows(_ db: Database, _ entity: EntitySchema, where condition: String, suffix: String = "",
                           arguments: StatementArguments, includingAbsorbed: Bool = false, cached: Bool = false,
                           stamps: Bool = true) throws -> [StoredRow] {
        var sql = selectRowsSQL(entity, where: condition, suffix: suffix)
        if includingAbsorbed { sql = sql.replacingOccurrences(of: ReplicaMigrations.visibleCustomer, with: ReplicaMigrations.visible) }
        // Stepped through the SQLite handle: GRDB's rows cost more than the reads of a page of
        // customers (about a tenth of a node's CPU answering lists).
        let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var rows: [StoredRow] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            guard case .text(let text) = DirectBinding.column(handle, 0), let id = RowID(text) else { throw ReplicaError(.corrupt, "bad id in \(entity.table)") }
            let state = try RowIO.state(entity: entity, stamps: stamps) { DirectBinding.column(handle, $0 + 1) }
            rows.append(StoredRow(entity: entity, id: id, values: state.values, stamps: state.stamps, created: state.created))
        }
    }

    /// The visible row with this id, or nil. A customer id a merge absorbed gives the survivor's row.
    public func row(_ entity: EntitySchema, id: RowID) throws -> StoredRow? {
        try pool.read { db in try Self.rowByID(db, entity, id: id) }
    }

    static func rowByID(_ db: Database, _ entity: EntitySchema, id: RowID) throws -> StoredRow? {
        let id = entity.table == CRMSchema.customer.table ? try CustomerMerges.resolve(db, id) : id
        return try storedRows(db, entity, where: "id = ?", arguments: [id.string], cached: true).first
    }

    /// Every absorbed customer id → its survivor, as the merges derive them here
    /// (`sync-protocol/customer-merge.md`): equal on replicas that have seen the same changes.
    public func customerAliases() throws -> [String: String] {
        try pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, survivorId FROM customerAlias").map { ($0[0] as String, $0[1] as String) })
        }
    }

    /// `id`, or the survivor a merge absorbed it into (`sync-protocol/customer-merge.md`).
    public func survivor(of customer: RowID) throws -> RowID {
        try pool.read { db in try CustomerMerges.resolve(db, customer) }
    }

    /// Visible rows whose `field` equals `value`, ordered by `orderBy` (a column name) then id.
    public func rows(_ entity: EntitySchema, where field: String, equals value: FieldValue, orderBy: String? = nil,
                     descending: Bool = false, limit: Int = 1000) throws -> [StoredRow] {
        guard entity.field(field) != nil else { throw ReplicaError(.invalid, "\(entity.table) has no field \(field)") }
        let direction = descending ? "DESC" : "ASC"
        let order = orderBy.map { "\($0.quotedDatabaseIdentifier) \(direction), id \(direction)" } ?? "id"
        return try pool.read { db in
            try Self.storedRows(db, entity, where: "\(field.quotedDatabaseIdentifier) = ?", suffix: "ORDER BY \(order) LIMIT \(limit)",
                                arguments: [value.databaseValue])
        }
    }

    /// The customer with its phones and addresses, or nil.
    public func customer(id: RowID) throws -> CustomerRecord? {
        try pool.read { db in try Self.customerRecords(db, ids: [id]).first }
    }

    /// Why no visible customer has `id`, for staff: never known here, deleted (and by whom, when;
    /// restorable) or erased on a data subject's request.
    /// - Returns: a one-line message, no personal data.
    public func absentCustomerMessage(id: RowID) throws -> String {
        try pool.read { db in try Self.absentCustomerMessage(db, id: id) }
    }

    static func absentCustomerMessage(_ db: Database, id: RowID) throws -> String {
        try absence(db, CRMSchema.customer, id: id).message
    }

    /// Why no visible row of `entity` has `id`: ``ReplicaError`` `GONE` when it existed (deleted and
    /// restorable, erased, purged after the retention horizon, or a child of such a parent),
    /// `NOT_FOUND` when it was never known here. The message names ids, times and rooftops only.
    public func absence(_ entity: EntitySchema, id: RowID) throws -> ReplicaError {
        try pool.read { db in try Self.absence(db, entity, id: id) }
    }

    static func absence(_ db: Database, _ entity: EntitySchema, id: RowID) throws -> ReplicaError {
        let name = entity.table == CRMSchema.customer.table ? "customer" : entity.resource?.name ?? entity.table
        if entity.table == CRMSchema.customer.table, try Erasure.isErased(db, customer: id.string) {
            return ReplicaError(.gone, "customer \(id) was erased (data subject request)")
        }
        if try Retention.isPurged(db, table: entity.table, id: id) {
            return ReplicaError(.gone, "\(name) \(id) was deleted and purged after the retention horizon (or erased)")
        }
        guard let state = try RowIO.load(db, entity, id: id), state.created != nil else { return ReplicaError(.notFound, "no \(name) with id \(id)") }
        if let deleted = state.deleted {
            return ReplicaError(.gone, "\(name) \(id) was deleted at \(Timestamp.string(milliseconds: deleted.hlc.milliseconds)) by \(deleted.origin); restore brings it back")
        }
        if let parentTable = entity.parentTable, let parentEntity = CRMSchema.entity(parentTable),
            let parent = try ChildRecords.storedParentID(db, entity, id: id) {
            let parentAbsence = try absence(db, parentEntity, id: parent)
            if parentAbsence.code == .gone { return ReplicaError(.gone, "\(name) \(id) belongs to \(parentAbsence.message)") }
        }
        return ReplicaError(.notFound, "no \(name) with id \(id)")
    }

    /// The visible row of `entity` with `id`, whose parent (for a child record) is visible too.
    /// - Throws: ``ReplicaError`` `GONE` or `NOT_FOUND` (see ``absence(_:id:)``).
    public func visibleRow(_ entity: EntitySchema, id: RowID) throws -> StoredRow {
        try pool.read { db in
            if let row = try Self.rowByID(db, entity, id: id) {
                guard let parentField = entity.parentField, let parentTable = entity.parentTable,
                    case .text(let parentText) = row[parentField], let parentID = RowID(parentText), let parentEntity = CRMSchema.entity(parentTable)
                else { return row }
                if try Self.storedRows(db, parentEntity, where: "id = ?", arguments: [parentID.string], cached: true).isEmpty {
                    let parentAbsence = try Self.absence(db, parentEntity, id: parentID)
                    throw ReplicaError(parentAbsence.code, "\(entity.table) \(id) belongs to \(parentAbsence.message)")
                }
                return row
            }
            throw try Self.absence(db, entity, id: id)
        }
    }

    /// Customers in id order (creation order for UUIDv7 ids), after `cursor` when given.
    /// - Parameters:
    ///   - limit: at most this many (1...1000).
    ///   - cursor: the last id of the previous page.
    public func customers(limit: Int, after cursor: RowID? = nil) throws -> [CustomerRecord] {
        try pool.read { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM customer WHERE \(ReplicaMigrations.visibleCustomer) AND id > ? ORDER BY id LIMIT ?
                """, arguments: [cursor?.string ?? "", limit]).compactMap(RowID.init)
            return try Self.customerRecords(db, ids: ids)
        }
    }

    /// The number of visible customers.
    public func customerCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM customer WHERE \(ReplicaMigrations.visibleCustomer)") ?? 0 }
    }

    /// The customers with these ids, in this order. An id a merge absorbed gives its survivor's
    /// record (with ``CustomerRecord/mergedInto`` set); a survivor's record shows the merged fields
    /// (``MergedCustomer``) and the children of every member.
    /// - Parameter stamps: false for records only shown (a list or search page): the customer's and its
    ///   tags' rows are read without their field stamps, so the records' ``CustomerRecord/json`` is
    ///   the same and their ``CustomerRecord/entityTag`` is not (``CustomerRecord/stampsRead``).
    ///   Phones and addresses keep theirs (the primary flag's winner is read from them).
    static func customerRecords(_ db: Database, ids requested: [RowID], stamps: Bool = true) throws -> [CustomerRecord] {
        guard !requested.isEmpty else { return [] }
        let survivors = try requested.map { try CustomerMerges.resolve(db, $0) }
        var records = try plainCustomerRecords(db, ids: Array(Set(survivors)), stamps: stamps)
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.customer.id, $0) })
        records = []
        for (asked, survivor) in zip(requested, survivors) {
            guard var record = byID[survivor] else { continue }
            if asked != survivor { record.mergedInto = survivor }
            records.append(record)
        }
        return records
    }

    /// The merged view of each component whose survivor is in `records`.
    static func applyMerges(_ db: Database, _ records: inout [CustomerRecord]) throws {
        guard !records.isEmpty else { return }
        // One lookup for the whole page: most customers absorbed nobody.
        let absorbedBySurvivor = Dictionary(grouping: try Row.fetchAll(try db.cachedStatement(sql: "SELECT id, survivorId FROM customerAlias WHERE survivorId IN \(idListSQL) ORDER BY id"),
                                                                       arguments: [idList(records.map(\.customer.id))]), by: { $0[1] as String })
        for index in records.indices {
            let survivor = records[index].customer.id.string
            guard let absorbedRows = absorbedBySurvivor[survivor] else { continue }
            let absorbedIDs = absorbedRows.map { $0[0] as String }
            records[index].mergedFrom = absorbedIDs.compactMap(RowID.init)
            if !records[index].stampsRead, let withStamps = try storedRows(db, CRMSchema.customer, where: "id = ?", arguments: [survivor]).first {
                records[index].customer = withStamps  // the merged view picks each field by its stamp
            }
            let placeholders = Array(repeating: "?", count: absorbedIDs.count).joined(separator: ",")
            let rows = try storedRows(db, CRMSchema.customer, where: "id IN (\(placeholders))", suffix: "ORDER BY id",
                                      arguments: StatementArguments(absorbedIDs), includingAbsorbed: true)
            let members = [survivor] + absorbedIDs
            let memberPlaceholders = Array(repeating: "?", count: members.count).joined(separator: ",")
            var mergeStamp: FieldStamp?
            if let newest = try Row.fetchOne(db, sql: """
                SELECT _created, _createdBy FROM customerMerge WHERE \(CustomerMerges.live)
                  AND (fromId IN (\(memberPlaceholders)) OR intoId IN (\(memberPlaceholders))) ORDER BY _created DESC, _createdBy DESC LIMIT 1
                """, arguments: StatementArguments(members + members)), let origin = RooftopID(rawValue: newest[1]) {
                mergeStamp = FieldStamp(hlc: HLC(rawValue: UInt64(bitPattern: newest[0])), origin: origin)
            }
            records[index].customer = MergedCustomer.view(survivor: records[index].customer, absorbed: rows, mergeStamp: mergeStamp)
            // The union shows each number and each place once (both members often had the customer's mobile).
            records[index].phones = MergedCustomer.oneEach(records[index].phones, key: MergedCustomer.phoneKey)
            records[index].addresses = MergedCustomer.oneEach(records[index].addresses, key: MergedCustomer.addressKey)
        }
    }

    /// `(SELECT value FROM json_each(?))`: the ids of one argument made by ``idList(_:)``, for
    /// `x IN …` in SQL whose text does not depend on how many ids there are (so it can be cached).
    static let idListSQL = "(SELECT value FROM json_each(?))"

    /// The JSON array of the ids' text (`["0190…","0190…"]`), the argument of ``idListSQL``. A row id's
    /// text is hex digits and hyphens, so it needs no escaping.
    static func idList(_ ids: [RowID]) -> String {
        var text = "["
        text.reserveCapacity(ids.count * 39 + 2)
        for (index, id) in ids.enumerated() {
            if index > 0 { text += "," }
            text += "\"" + id.string + "\""
        }
        return text + "]"
    }

    /// The visible customers with these ids (absorbed ones are not), each with its children and merged view.
    static func plainCustomerRecords(_ db: Database, ids: [RowID], stamps: Bool = true) throws -> [CustomerRecord] {
        guard !ids.isEmpty else { return [] }
        // The ids as one JSON array argument: the statements' text never varies, so each is prepared
        // once per connection and cached (preparing them per page, with GRDB's authorizer called for
        // every column, was about a tenth of a node's CPU answering lists).
        let arguments: StatementArguments = [idList(ids)]
        let customers = try storedRows(db, CRMSchema.customer, where: "id IN \(idListSQL)", arguments: arguments, cached: true, stamps: stamps)
        let phones = try storedRows(db, CRMSchema.customerPhone, where: "customerId IN \(idListSQL)", suffix: "ORDER BY id", arguments: arguments, cached: true)
        let addresses = try storedRows(db, CRMSchema.customerAddress, where: "customerId IN \(idListSQL)", suffix: "ORDER BY id", arguments: arguments, cached: true)
        let phonesByCustomer = Dictionary(grouping: phones) { $0["customerId"] }
        let addressesByCustomer = Dictionary(grouping: addresses) { $0["customerId"] }
        let tags = try storedRows(db, CRMSchema.customerTag, where: "customerId IN \(idListSQL)", suffix: "ORDER BY id", arguments: arguments, cached: true, stamps: stamps)
        let tagsByCustomer = Dictionary(grouping: tags) { $0["customerId"] }
        // The ledger is replayed by each event's creation stamp; no field stamp of an event is read.
        let events = try storedRows(db, CRMSchema.loyaltyEvent, where: "customerId IN \(idListSQL)", suffix: "ORDER BY id", arguments: arguments, cached: true, stamps: false)
        let eventsByCustomer = Dictionary(grouping: events) { $0["customerId"] }
        let byID = Dictionary(uniqueKeysWithValues: customers.map { ($0.id, $0) })
        var records: [CustomerRecord] = ids.compactMap { id in
            guard let customer = byID[id] else { return nil }
            let key = FieldValue.text(id.string)
            var record = CustomerRecord(customer: customer, phones: phonesByCustomer[key] ?? [], addresses: addressesByCustomer[key] ?? [],
                                        tagElements: tagsByCustomer[key] ?? [], loyaltyEvents: eventsByCustomer[key] ?? [])
            record.stampsRead = stamps
            return record
        }
        try applyMerges(db, &records)
        return records
    }
}
