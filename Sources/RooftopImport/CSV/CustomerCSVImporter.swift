import CSV
import Foundation
import RooftopCRM
import RooftopModel
import RooftopStore

/// Imports customers from a CSV file (RFC 4180, UTF-8, a header row) row by row, in constant
/// memory whatever the file size (`yaslab/CSV.swift` reads the stream).
///
/// - **Columns**: named like the design document's fields (`firstName`, `lastName`, `businessName`,
///   `email`, `phone`, `phoneType`, `street`, `city`, `state`, `postalCode`, `country`, `birthDate`,
///   `contactType`, `sourceType`, `status`, `notes`, `createdAt`, `loyaltyTier` (the tier floor),
///   `tags` (separated by `;`), and `externalId`, the source system's id), or mapped with `column=field` pairs (`First Name=firstName`). Other columns are ignored
///   and listed in the report.
/// - **Whole rows**: each row is validated as the REST API validates a customer (E.164 phones,
///   e-mails, dates); a row with an invalid value is not written and is reported with its line number
///   and reason (`line 12: /email: not an e-mail address`); the others are.
/// - **Re-runnable**: a row's id derives from its `externalId` (else from its content), so running the
///   same file again, or again after an interruption, writes nothing twice (`alreadyImported`).
/// - Rows are written in transactions of `batchSize`: an interruption loses at most the batch in flight.
/// - **No second customer**: a row that confidently duplicates a customer already in the replica (or
///   an earlier row) attaches to it: nothing is written, `customersMatched` counts it and `matches` names
///   its line and the customer. The check's
///   model is estimated for the population the import makes (a first pass samples the file).
public struct CustomerCSVImporter {
    /// The fields a column can map to.
    public static let fields = ["externalId", "contactType", "firstName", "lastName", "businessName", "email", "phone", "phoneType",
                                "street", "city", "state", "postalCode", "country", "birthDate", "sourceType", "status", "notes", "createdAt",
                                "loyaltyTier", "tags"]

    public let replica: Replica
    /// Column name in the file → field.
    public var mapping: [String: String] = [:]
    public var batchSize = 1_000
    /// Attach rows that confidently duplicate an existing customer (or an earlier row) instead of
    /// creating them (default true; `rooftop import customers --no-duplicate-check` turns it off for
    /// a first load into an empty replica).
    public var checkDuplicates = true

    /// An importer into `replica`; `mapping` maps file columns to ``fields``.
    /// - Throws: ``CustomerCSVError`` when a mapping names a field that is not one of ``fields``.
    public init(replica: Replica, mapping: [String: String] = [:]) throws(CustomerCSVError) {
        for (column, field) in mapping where !Self.fields.contains(field) {
            throw CustomerCSVError("--map \(column)=\(field): \(field) is not a customer field (one of \(Self.fields.joined(separator: ", ")))")
        }
        self.replica = replica
        self.mapping = mapping
    }

    /// Load in bulk when the replica can be had to itself (no node or other process has it open;
    /// ``Replica/bulkLoad(deferring:rebuilding:_:)``): transactions of ``bulkBatchSize`` rows, and
    /// the indexes nothing reads during the import built at its end. Default false (the REST import
    /// runs inside the node); the CLI import sets it.
    public var bulkLoad = false

    /// A bulk load only when the first pass estimates at least this many rows not imported before
    /// (default ``bulkBatchSize``): dropping and building again the indexes of the whole replica costs
    /// more than a smaller import saves (a rerun's attached rows count: they are checked again).
    public var bulkLoadMinimumRows = Self.bulkBatchSize

    /// Called after the first pass, as the duplicate check's model is estimated from its sample.
    public var estimatingModel: () -> Void = {}

    /// Called, in a bulk load, before the indexes left to the end are built.
    public var rebuildingIndexes: () -> Void = {}

    /// Called during the first pass over the file (only with ``checkDuplicates``) with the data
    /// rows read so far; the import's own pass then reports through `progress`.
    public var samplingProgress: ((Int) -> Void)?

    /// Imports the file at `path`.
    ///
    /// With ``checkDuplicates`` the file is read twice: once for a sample of its rows, from
    /// which (with the customers already here) the duplicate check's model learns how common each
    /// name, e-mail and phone will be (``CRMService/duplicateModel(importing:incomingCount:)``),
    /// then to import.
    /// - Parameter progress: called with 0 as the import's pass begins, then every 1,000 rows (every batch, when smaller) with the
    ///   data rows done so far (checked, and written or counted).
    /// - Returns: the report: created, already imported, every rejected line with its reason.
    /// - Throws: ``CustomerCSVError`` when the file cannot be read or is not CSV with a header
    ///   naming at least one field (nothing imported); replica errors (the batch in flight is not written).
    public func importFile(at path: String, progress: (Int) -> Void = { _ in }) throws -> ImportReport {
        try importStreams(name: path, open: { InputStream(fileAtPath: path) }, progress: progress)
    }

    /// Imports CSV bytes held in memory (the REST import of a few thousand rows).
    /// - Parameter name: how errors name the input (`the body`).
    /// - Returns, Throws: as ``importFile(at:progress:)``.
    public func importData(_ data: Data, name: String) throws -> ImportReport {
        try importStreams(name: name, open: { InputStream(data: data) }, progress: { _ in })
    }

    /// One pass over the input: each data row's non-empty values by field, and its trimmed cells.
    struct Pass {
        let reader: CSVReader
        let stream: InputStream
        let path: String
        let header: [String]
        let fieldOf: [Int: String]
        private(set) var rows = 0

        init(_ stream: InputStream?, name path: String, mapping: [String: String]) throws {
            guard let stream else { throw CustomerCSVError("\(path): cannot be read") }
            do { reader = try CSVReader(stream: stream, hasHeaderRow: true, trimFields: false) } catch {
                throw CustomerCSVError("\(path): not a CSV file with a header row (\(error))")
            }
            guard let header = reader.headerRow else { throw CustomerCSVError("\(path): empty file") }
            self.stream = stream
            self.path = path
            self.header = header
            fieldOf = Dictionary(uniqueKeysWithValues: header.enumerated().compactMap { index, name in
                let clean = name.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "")
                if let field = mapping[clean] { return (index, field) }
                return CustomerCSVImporter.fields.contains(clean) ? (index, clean) : nil
            })
            guard !fieldOf.isEmpty else {
                throw CustomerCSVError("\(path): no column names a customer field: name them \(CustomerCSVImporter.fields.prefix(6).joined(separator: ", ")), ... or map them with --map column=field")
            }
        }

        /// The next data row, or nil at the end.
        mutating func next() -> (values: [String: String], content: [String])? {
            guard let row = reader.next() else { return nil }
            rows += 1
            var values: [String: String] = [:]
            for (index, field) in fieldOf where index < row.count {
                let value = row[index].trimmedWhitespace
                if !value.isEmpty { values[field] = value }
            }
            return (values, row.map(\.trimmedWhitespace))
        }

        /// Throws when the stream failed before its end (the reader reports the end as an error too).
        /// - Parameter importing: whether this pass imports (the message says the lines before were imported).
        func checkEnd(importing: Bool) throws {
            if let error = reader.error, stream.streamStatus == .error {
                throw CustomerCSVError("\(path): unreadable after line \(rows + 1) (\(error))" + (importing ? "; the lines before it were imported" : "; nothing imported"))
            }
        }
    }

    /// A sample of the input's valid rows not imported before, and an estimate of how many such rows
    /// the input holds: one row in `stride` by a hash of its id (``CRMService/isSampled(_:step:)``),
    /// `stride` doubling to keep at most ``CRMService/importModelSampleSize``. Not every `stride`-th
    /// row: a file often lists a person's records next to each other, and such a sample would hold no
    /// pair of them. Only the rows the hash picks are looked up in the replica (a rerun's rows are
    /// already its customers): the share of them found there scales the count, exact while every
    /// row is picked.
    func sample(_ pass: inout Pass) throws -> (inputs: [MatchInput], rows: Int) {
        let cap = CRMService.importModelSampleSize
        var sample: [MatchInput] = [], stride = 1, seen = Set<RowID>()
        var valid = 0, picked = 0, pickedKnown = 0
        while let (values, content) = pass.next() {
            if let (id, input) = try? Self.customer(values, rowContent: content) {
                valid += 1
                if CRMService.isSampled(id.string, step: stride), seen.insert(id).inserted {
                    picked += 1
                    if try replica.isKnown(CRMSchema.customer, id: id) {
                        pickedKnown += 1
                    } else {
                        sample.append(CRMService.matchInput(input, id: id.string))
                        if sample.count > cap {
                            stride *= 2
                            sample.removeAll { !CRMService.isSampled($0.id, step: stride) }
                        }
                    }
                }
            }
            if pass.rows % batchSize == 0 { samplingProgress?(pass.rows) }
        }
        try pass.checkEnd(importing: false)
        samplingProgress?(pass.rows)
        let newShare = picked == 0 ? 1 : Double(picked - pickedKnown) / Double(picked)
        return (sample, Int((Double(valid) * newShare).rounded()))
    }

    /// Imports what `open` reads (opened once more for the sample when checking duplicates); `name`
    /// names the input in errors.
    func importStreams(name path: String, open: () -> InputStream?, progress: (Int) -> Void) throws -> ImportReport {
        var pass = try Pass(open(), name: path, mapping: mapping)
        var report = ImportReport()
        report.ignoredColumns = pass.header.enumerated().filter { pass.fieldOf[$0.offset] == nil }.map(\.element)
        let service = CRMService(replica: replica)
        // A row that confidently duplicates a customer already here (or earlier in the file) attaches
        // to it: nothing is written, and the report counts it (`sync-protocol/duplicate-detection.md#on-the-way-in`).
        // The model counts the file's names with the replica's: a first load must not read each as rare.
        var model: MatchModel?
        var newRows: Int?
        if checkDuplicates {
            let (sample, rows) = try self.sample(&pass)
            estimatingModel()
            model = try service.duplicateModel(importing: sample, incomingCount: rows)
            newRows = rows
            pass = try Pass(open(), name: path, mapping: mapping)
        }
        // A rerun, or a small file, writes fewer rows than building the replica's indexes again costs:
        // no bulk load for it (the rows the sample did not pick are still checked and written).
        guard bulkLoad, (newRows ?? .max) >= bulkLoadMinimumRows else { return try importPass(&pass, report, model: model, service: service, batchSize: batchSize, progress: progress) }
        let deferring = checkDuplicates ? Replica.indexesNotReadByTheDuplicateCheck : Replica.indexesNotReadWithoutTheDuplicateCheck
        return try replica.bulkLoad(deferring: deferring, rebuilding: rebuildingIndexes) { exclusive in
            try importPass(&pass, report, model: model, service: service, batchSize: exclusive ? max(batchSize, Self.bulkBatchSize) : batchSize,
                           progress: progress)
        }
    }

    /// Rows a transaction holds in a bulk load (``bulkLoad``, with the replica to itself): a page of an
    /// index takes many rows before it is written, not one or two.
    public static let bulkBatchSize = 20_000

    /// The import's pass: rows written whole, in transactions of `batchSize` rows.
    private func importPass(_ pass: inout Pass, _ report: ImportReport, model: MatchModel?, service: CRMService, batchSize: Int,
                            progress: (Int) -> Void) throws -> ImportReport {
        var report = report
        progress(0)
        // Rows of the batch in flight: whether each was imported before is checked in the batch's
        // own transaction (one transaction per batch, not a read per row).
        var batch: [(line: Int, id: RowID, input: CustomerInput, writes: [LocalWrite])] = [], batchIDs = Set<RowID>()
        func flush() throws {
            guard !batch.isEmpty else { return }
            let (created, known, matched) = try replica.transaction { tx in
                var created = 0, known = 0, matched: [ImportedMatch] = []
                for (index, (line, id, input, writes)) in batch.enumerated() {
                    // A large batch takes seconds: the bar counts the rows done, not read.
                    if index > 0 && index % 1_000 == 0 { progress(pass.rows - (batch.count - index)) }
                    if try tx.isKnown(CRMSchema.customer, id: id) { known += 1; continue }
                    if let model, let match = try CRMService.duplicates(of: input, model: model, tx).first(where: \.isConfident) {
                        matched.append(ImportedMatch(line: line, customerId: match.customerId, probability: match.score.probability))
                        continue
                    }
                    _ = try tx.write(writes)
                    created += 1
                }
                return (created, known, matched)
            }
            report.customersCreated += created
            report.alreadyImported += known
            report.customersMatched += matched.count
            report.matches += matched
            batch.removeAll(keepingCapacity: true)
            batchIDs.removeAll(keepingCapacity: true)
        }
        while let (values, content) = pass.next() {
            let line = pass.rows + 1
            let blank = values.isEmpty && content.allSatisfy(\.isEmpty)  // a blank line: nothing to import, nothing wrong
            do {
                if !blank {
                    let (id, input) = try Self.customer(values, rowContent: content)
                    if batchIDs.contains(id) {
                        report.alreadyImported += 1
                    } else {
                        batch.append((line, id, input, try service.customerCreationWrites(input, id: id)))
                        batchIDs.insert(id)
                    }
                }
            } catch let error as FieldInputError {
                report.rejected.append("line \(line): \(error.pointer): \(error.reason)")
            }
            if pass.rows % batchSize == 0 { try flush() }
            if pass.rows % min(batchSize, 1_000) == 0 { progress(pass.rows - batch.count) }
        }
        try pass.checkEnd(importing: true)
        try flush()
        progress(pass.rows)
        return report
    }

    /// A row's customer, and its id: from `externalId`, else from the row's content.
    static func customer(_ values: [String: String], rowContent: [String]) throws -> (RowID, CustomerInput) {
        var json: [String: JSONValue] = [:]
        for name in ["contactType", "firstName", "lastName", "businessName", "email", "sourceType", "status", "notes", "loyaltyTier"] {
            if let value = values[name] { json[name] = .string(value) }
        }
        // As the export writes them: `;` between tags.
        if let tags = values["tags"] {
            json["tags"] = .array(tags.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map(JSONValue.string))
        }
        if let birthDate = values["birthDate"] { json["demographicInfo"] = .object(["birthDate": .string(birthDate)]) }
        if let phone = values["phone"] {
            json["phoneNumbers"] = .array([.object(["number": .string(phone), "type": values["phoneType"].map(JSONValue.string) ?? .null])])
        }
        if values["street"] != nil || values["city"] != nil || values["postalCode"] != nil {
            var address: [String: JSONValue] = [:]
            for name in ["street", "city", "state", "postalCode", "country"] { address[name] = values[name].map(JSONValue.string) }
            json["addresses"] = .array([.object(address)])
        }
        let key = values["externalId"].map { "csv:" + $0 } ?? "csv-row:" + rowContent.joined(separator: "\u{1F}")
        var input = try CustomerInput(json: json)
        if let createdAt = values["createdAt"] {
            guard let normalised = Timestamp.normaliseDateTime(createdAt) else {
                throw FieldInputError(pointer: "/createdAt", reason: "not an RFC 3339 date-time")
            }
            input.fields["createdAt"] = .text(normalised)
        }
        input.phones = input.phones?.map { ChildInput(id: StableID.make(key + ":phone"), fields: $0.fields) }
        input.addresses = input.addresses?.map { ChildInput(id: StableID.make(key + ":address"), fields: $0.fields) }
        return (StableID.make(key), input)
    }
}

/// A customer CSV cannot be imported as asked; the message is one line for the CLI.
public struct CustomerCSVError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
