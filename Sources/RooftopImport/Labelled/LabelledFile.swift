import Foundation
import RooftopCRM
import RooftopModel
import RooftopStore
import SwiftCSV

/// A file of person records labelled with the real person each stands for, the input of
/// `rooftop duplicates evaluate`. Two formats, told apart by the header:
///
/// - FEBRL (`rec_id, given_name, surname, …`; Christen, "Febrl", ANU): records sharing the N of
///   `rec-N-…` are one person. `soc_sec_id` is never used.
/// - The plain labelled CSV the generator writes: exactly
///   `record_id,entity,first_name,last_name,email,phone,street,city,state,postal_code,birth_date`;
///   records with equal `entity` are one person; any column may be empty.
public struct LabelledFile: Sendable {
    /// The header of the plain format.
    public static let plainColumns = ["record_id", "entity", "first_name", "last_name", "email", "phone", "street", "city", "state",
                                      "postal_code", "birth_date"]

    /// The file's format.
    public enum Format: String, Sendable { case febrl = "FEBRL", plain = "labelled CSV" }

    public let format: Format
    /// Customer id (the id the import gives the record) → the person's label, for every record of the file.
    public let entityByCustomer: [String: String]
    /// The customer ids of the file's records, in the file's order.
    public let customerOrder: [String]
    /// What the import did (rows it could not import stay in ``entityByCustomer``: their pairs count as missed).
    public let report: ImportReport
    /// Column → how many of its values could not be used (an e-mail without a domain, a phone that
    /// is no number, a date that is none): the record is imported with that field left empty, as a
    /// customer desk would keep the rest of such a record. Plain format only.
    public var unusableValues: [String: Int] = [:]

    /// Imports the records of `text` into `replica` as customers.
    /// - Throws: ``FEBRLError`` (not CSV, a column missing, an unknown header), database errors.
    public static func importRecords(_ text: String, into replica: Replica) throws -> LabelledFile {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let header = firstLine.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if header.first == "rec_id" {
            let report = try FEBRLImporter.importFile(text, into: replica)
            var entities: [String: String] = [:]
            var order: [String] = []
            let csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
            for row in csv.rows {
                guard let recID = row.first?.trimmingCharacters(in: .whitespaces), !recID.isEmpty else { continue }
                let parts = recID.split(separator: "-")
                let id = StableID.make("febrl:\(recID)").string
                entities[id] = parts.count >= 2 ? String(parts[1]) : recID
                order.append(id)
            }
            return LabelledFile(format: .febrl, entityByCustomer: entities, customerOrder: order, report: report)
        }
        guard header == plainColumns else {
            throw FEBRLError(message: "the header is neither FEBRL (rec_id, given_name, surname, …) nor \(plainColumns.joined(separator: ","))")
        }
        let csv: EnumeratedCSV
        do { csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false) } catch { throw FEBRLError(message: "not a CSV file") }
        var report = ImportReport()
        var entities: [String: String] = [:]
        var order: [String] = []
        var writes: [LocalWrite] = []
        var unusable: [String: Int] = [:]
        let service = CRMService(replica: replica)
        for (index, row) in csv.rows.enumerated() {
            let line = index + 2
            func value(_ column: Int) -> String? {
                guard column < row.count else { return nil }
                let v = row[column].trimmedWhitespace
                return v.isEmpty ? nil : v
            }
            guard let recordID = value(0), let entity = value(1) else {
                report.rejected.append("line \(line): no record_id or entity")
                continue
            }
            let id = StableID.make("labelled:\(recordID)")
            entities[id.string] = entity
            order.append(id.string)
            if try replica.isKnown(CRMSchema.customer, id: id) {
                report.alreadyImported += 1
                continue
            }
            var fields: [String: FieldValue] = ["contactType": .text("Individual"), "status": .text("Active")]
            fields["firstName"] = value(2).map(FieldValue.text)
            fields["lastName"] = value(3).map(FieldValue.text)
            guard fields["firstName"] != nil || fields["lastName"] != nil else {
                report.rejected.append("line \(line): no first_name or last_name")
                continue
            }
            /// `column`'s value read by `read`; an unusable one is counted and left out.
            func usable(_ column: Int, _ read: (String) -> String?) -> String? {
                guard let raw = value(column) else { return nil }
                guard let read = read(raw) else { unusable[plainColumns[column], default: 0] += 1; return nil }
                return read
            }
            fields["email"] = usable(4, EmailAddress.normalise).map(FieldValue.text)
            fields["birthDate"] = usable(10, Timestamp.normaliseDate).map(FieldValue.text)
            var phones: [ChildInput] = []
            if let number = usable(5, { PhoneNumber.e164($0) }) {
                phones.append(ChildInput(id: StableID.make("labelled:\(recordID):phone"), fields: ["number": .text(number), "primary": .bool(true)]))
            }
            var address: [String: FieldValue] = ["type": .text("Home"), "country": .text("US"), "primary": .bool(true)]
            address["street"] = value(6).map(FieldValue.text)
            address["city"] = value(7).map(FieldValue.text)
            address["state"] = value(8).map(FieldValue.text)
            address["postalCode"] = value(9).map(FieldValue.text)
            let hasAddress = address["street"] != nil || address["city"] != nil || address["postalCode"] != nil
            let input = CustomerInput(fields: fields, phones: phones,
                                      addresses: hasAddress ? [ChildInput(id: StableID.make("labelled:\(recordID):address"), fields: address)] : [])
            writes += try service.customerCreationWrites(input, id: id)
            report.customersCreated += 1
            if writes.count >= 20_000 {
                try replica.write(writes)
                writes.removeAll(keepingCapacity: true)
            }
        }
        try replica.write(writes)
        var file = LabelledFile(format: .plain, entityByCustomer: entities, customerOrder: order, report: report)
        file.unusableValues = unusable
        return file
    }
}
