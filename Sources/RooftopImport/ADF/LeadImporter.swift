import Foundation
import RooftopModel
import RooftopStore
import RooftopCRM

/// Writes ADF leads into a replica (`sync-protocol/lead-intake.md`): each lead becomes a prospect
/// customer (or is attached to the customer with the same e-mail or phone, or a confident
/// duplicate), an inbound Web interaction, its vehicles, and a `lead` record with its arrival time,
/// warnings and XML; a quarantined prospect becomes a `lead` record only.
///
/// Ids are derived from the lead, so importing the same document again changes nothing.
/// One document is written all or none: its own transaction, or a savepoint of a group's
/// (``importDocuments(_:into:via:perTransaction:each:)``).
public enum LeadImporter {
    /// How a lead arrived (`lead.receivedVia`).
    public enum Channel: String, Sendable {
        case cli = "CLI", http = "HTTP", dropFolder = "DropFolder"
    }

    /// Parses and imports one ADF document, streamed (``ADFParser/forEachProspect(in:_:)``): each
    /// prospect is written as soon as it is read, in one transaction for the whole document, rolled
    /// back when the document turns out not to be ADF.
    /// - Parameter via: how it arrived.
    /// - Returns: the report, its leads in document order.
    /// - Throws: ``ADFError`` when the document is not ADF (nothing imported); ``ReplicaError``
    ///   or a database error when writing fails (nothing imported).
    public static func importDocument(_ data: Data, into replica: Replica, via: Channel = .cli) throws -> ImportReport {
        let model = try CRMService(replica: replica).duplicateModel()
        let receivedAt = Timestamp.string(milliseconds: replica.wallClock.nowMilliseconds())
        // One transaction: the lookups of existing customers and the writes are atomic, so two
        // imports at once cannot both miss a customer and create it twice.
        return try replica.transaction { tx in try importDocument(data, tx, model: model, receivedAt: receivedAt, via: via) }
    }

    /// Imports many documents (files of one lead each, as providers send them), each whole or not at
    /// all, several to a transaction with each in a savepoint: a transaction per document rewrote the
    /// same 16 KiB pages of the customer, lead and search tables to the WAL for every lead. A group ends
    /// after `perTransaction` documents or once it has held the write lock for `groupMilliseconds`, so a
    /// node's writes and syncs beside it wait no longer than that (plus one document). A document that is
    /// not ADF (``ADFError``) or cannot be loaded is undone alone; on any other error (the database) the
    /// group is rolled back and its documents imported one by one (``importDocument(_:into:via:)``,
    /// loading them again), so that each reports its own outcome. A lone document is its own transaction.
    /// - Parameters:
    ///   - documents: each document's loader (a file read), in order.
    ///   - groupMilliseconds: how long one group may hold the write lock before it commits (ms).
    ///   - each: called with each document's index and outcome, in order, once its transaction committed.
    /// - Throws: only what `each` throws.
    public static func importDocuments(_ documents: [() throws -> Data], into replica: Replica, via: Channel = .cli, perTransaction: Int = 200,
                                       groupMilliseconds: Int = 250, each: (Int, Result<ImportReport, any Error>) throws -> Void) throws {
        precondition(perTransaction >= 1, "perTransaction must be at least 1")
        var start = 0
        while start < documents.count {
            if documents.count - start == 1 || perTransaction == 1 {
                try each(start, Result { try importDocument(try documents[start](), into: replica, via: via) })
                start += 1
                continue
            }
            var outcomes: [Result<ImportReport, any Error>] = []
            var end = start
            do {
                let model = try CRMService(replica: replica).duplicateModel()
                try replica.transaction { tx in
                    outcomes = []
                    end = start
                    let began = DispatchTime.now().uptimeNanoseconds
                    while end < min(start + perTransaction, documents.count),
                          end == start || DispatchTime.now().uptimeNanoseconds - began < UInt64(groupMilliseconds) * 1_000_000 {
                        defer { end += 1 }
                        let data: Data
                        do { data = try documents[end]() } catch {
                            outcomes.append(.failure(error))
                            continue
                        }
                        // Each document's own arrival time, as when it was its own transaction.
                        let receivedAt = Timestamp.string(milliseconds: replica.wallClock.nowMilliseconds())
                        do {
                            outcomes.append(.success(try tx.savepoint { try importDocument(data, tx, model: model, receivedAt: receivedAt, via: via) }))
                        } catch let error as ADFError {
                            outcomes.append(.failure(error))
                        }
                    }
                }
            } catch {
                // A database error: the group is undone; each document on its own says which failed.
                end = max(end, start + 1)
                outcomes = (start..<end).map { index in
                    Result { try importDocument(try documents[index](), into: replica, via: via) }
                }
            }
            for (offset, outcome) in outcomes.enumerated() { try each(start + offset, outcome) }
            start = end
        }
    }

    /// One document's prospects, written in `tx`.
    static func importDocument(_ data: Data, _ tx: StoreTransaction, model: MatchModel, receivedAt: String, via: Channel) throws -> ImportReport {
        var run = Run(model: model, receivedAt: receivedAt, via: via)
        try ADFParser.forEachProspect(in: data) { outcome in
            switch outcome {
            case .lead(let lead): try run.add(lead, tx)
            case .quarantined(let prospect): try run.add(prospect, tx)
            }
        }
        run.report.leads = run.outcomes
        return run.report
    }

    /// One document's import, prospect by prospect.
    struct Run {
        let model: MatchModel
        let receivedAt: String
        let via: Channel
        var report = ImportReport()
        var pendingLeadByProviderID: [String: RowID] = [:]  // first leads of this document, for resends
        var seen = Set<RowID>()  // leads of this document (a prospect repeated byte for byte is one lead)
        var outcomes: [ImportedLead] = []

        init(model: MatchModel, receivedAt: String, via: Channel) {
            self.model = model
            self.receivedAt = receivedAt
            self.via = via
        }

        mutating func add(_ original: ADFLead, _ tx: StoreTransaction) throws {
            let replica = tx.replica
            var lead = original
            // A provider's id names one lead (its resend has status resend). Without one, the lead is its
            // XML: the same prospect sent again is one lead, and two prospects that differ in anything (two
            // people sharing a home phone, one person asking about two cars at the same minute) are two.
            let key = lead.leadID.map { "adf:\($0)|\(lead.requestDate)|\(lead.status)|\(lead.contact.email ?? "")|\(lead.contact.phones.map(\.number).joined(separator: ","))" }
                ?? "adf-xml:" + lead.identity
            let interactionID = StableID.make(key + "|interaction")
            let leadID = StableID.make(key + "|lead")
            if try seen.contains(interactionID) || tx.isKnown(CRMSchema.customerInteraction, id: interactionID) {
                report.alreadyImported += 1
                let stored = try tx.row(CRMSchema.customerInteraction, id: interactionID)
                outcomes.append(ImportedLead(index: lead.index, leadId: leadID.string, outcome: "AlreadyImported",
                                             customerId: stored?.values["customerId"]?.textValue, interactionId: interactionID.string,
                                             warnings: lead.warnings))
                if let provider = lead.leadID, lead.status != "resend" { pendingLeadByProviderID[provider] = pendingLeadByProviderID[provider] ?? leadID }
                return
            }
            seen.insert(interactionID)
            var writes: [LocalWrite] = []
            // The customer this lead confidently duplicates — the duplicate rule of a create (more than the
            // name agreeing; a shared home phone or family e-mail with another first name is another
            // person). Earlier leads of this document are written already, so they count too.
            var customerID = try CRMService.duplicates(of: customerInput(lead), model: model, tx).first(where: \.isConfident)
                .flatMap { RowID($0.customerId) }
            let matched = customerID != nil
            if let customerID {
                report.customersMatched += 1
                let (fill, differing) = try fillWrites(for: lead, customer: customerID, tx)
                writes += fill
                lead.notes += differing
            } else {
                let newID = StableID.make(key + "|customer")
                writes += try CRMService(replica: replica).customerCreationWrites(customerInput(lead), id: newID)
                report.customersCreated += 1
                customerID = newID
            }
            let customer = customerID!
            var firstInterest: RowID?
            for (i, vehicle) in lead.vehiclesOfInterest.enumerated() {
                let id = StableID.make(key + "|interest|\(i)")
                firstInterest = firstInterest ?? id
                writes.append(LocalWrite(.insert, CRMSchema.vehicle, id: id, values: vehicleFields(vehicle)))
                report.vehicles += 1
            }
            for (i, vehicle) in lead.ownedVehicles.enumerated() {
                let id = StableID.make(key + "|owned|\(i)")
                writes.append(LocalWrite(.insert, CRMSchema.vehicle, id: id, values: vehicleFields(vehicle)))
                writes.append(LocalWrite(.insert, CRMSchema.customerVehicle, id: StableID.make(key + "|ownership|\(i)"), values: [
                    "customerId": .text(customer.string), "vehicleId": .text(id.string), "relationshipType": .text("Owner"),
                    "status": .text("Active"), "isCurrentVehicle": .bool(true),
                ]))
                report.vehicles += 1
            }
            writes.append(LocalWrite(.insert, CRMSchema.customerInteraction, id: interactionID,
                                     values: interactionFields(lead, customer: customer, relatedVehicle: firstInterest, receivedAt: receivedAt)))
            report.interactions += 1
            var resendOf: RowID?
            if lead.status == "resend", let provider = lead.leadID {
                resendOf = try pendingLeadByProviderID[provider] ?? earlierLead(providerLeadID: provider, tx)
            } else if let provider = lead.leadID {
                pendingLeadByProviderID[provider] = pendingLeadByProviderID[provider] ?? leadID
            }
            var values = leadFields(status: "Imported", receivedAt: receivedAt, via: via, requestDate: lead.requestDate, provider: lead.providerName,
                                    vendor: lead.vendorName, providerLeadID: lead.leadID, resend: lead.status == "resend", warnings: lead.warnings, raw: lead.raw)
            values["customerId"] = .text(customer.string)
            values["interactionId"] = .text(interactionID.string)
            if let resendOf { values["resendOfId"] = .text(resendOf.string) }
            writes.append(LocalWrite(.insert, CRMSchema.lead, id: leadID, values: values))
            try tx.write(writes)
            report.warnings += lead.warnings
            outcomes.append(ImportedLead(index: lead.index, leadId: leadID.string, outcome: "Imported", customerId: customer.string,
                                         interactionId: interactionID.string, customerMatched: matched, warnings: lead.warnings))
        }

        mutating func add(_ prospect: ADFQuarantinedProspect, _ tx: StoreTransaction) throws {
            let leadID = StableID.make("adf-quarantine|" + prospect.identity)
            if try seen.contains(leadID) || tx.exists(CRMSchema.lead, id: leadID) {
                report.alreadyImported += 1
                outcomes.append(ImportedLead(index: prospect.index, leadId: leadID.string, outcome: "AlreadyImported", reason: prospect.reason,
                                             warnings: prospect.warnings))
                return
            }
            var values = leadFields(status: "Quarantined", receivedAt: receivedAt, via: via, requestDate: prospect.requestDate,
                                    provider: prospect.providerName, vendor: prospect.vendorName, providerLeadID: prospect.leadID,
                                    resend: prospect.status == "resend", warnings: prospect.warnings, raw: prospect.raw)
            values["reason"] = .text(fit(prospect.reason, 256))
            seen.insert(leadID)
            try tx.write([LocalWrite(.insert, CRMSchema.lead, id: leadID, values: values)])
            report.quarantined += 1
            report.warnings += prospect.warnings
            outcomes.append(ImportedLead(index: prospect.index, leadId: leadID.string, outcome: "Quarantined", reason: prospect.reason,
                                         warnings: prospect.warnings))
        }
    }

    /// `text` cut at a character boundary to at most `limit` UTF-8 bytes, hence at most `limit`
    /// characters too: within any text field's limits (a provider's over-long value is kept whole in
    /// the lead's XML), however many combining marks it carries.
    static func fit(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var end = text.startIndex, bytes = 0
        for index in text.indices {
            let next = text.index(after: index)
            let size = text.utf8.distance(from: index, to: next)
            if bytes + size > limit { break }
            bytes += size
            end = next
        }
        return String(text[..<end])
    }

    /// The first lead recorded with this provider id that is not itself a resend.
    static func earlierLead(providerLeadID: String, _ tx: StoreTransaction) throws -> RowID? {
        try tx.strings("""
            SELECT id FROM lead WHERE providerLeadId = ? AND _created IS NOT NULL AND _deleted IS NULL AND coalesce(resend, 0) = 0
            ORDER BY receivedAt, id LIMIT 1
            """, arguments: [.text(providerLeadID)]).first.flatMap(RowID.init)
    }

    static func leadFields(status: String, receivedAt: String, via: Channel, requestDate: String, provider: String?, vendor: String?,
                           providerLeadID: String?, resend: Bool, warnings: [ADFWarning], raw: String) -> [String: FieldValue] {
        var f: [String: FieldValue] = ["status": .text(status), "receivedAt": .text(receivedAt), "receivedVia": .text(via.rawValue),
                                       "resend": .bool(resend)]
        if !requestDate.isEmpty { f["requestDate"] = .text(requestDate) }
        f["provider"] = provider.map { .text(fit($0, 256)) }
        f["vendor"] = vendor.map { .text(fit($0, 256)) }
        f["providerLeadId"] = providerLeadID.map { .text(fit($0, 256)) }
        if !warnings.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            var kept = warnings
            // At most 20,000 characters; the interaction's content and the XML keep the rest.
            while let data = try? encoder.encode(kept), data.count > 20_000, kept.count > 1 { kept.removeLast() }
            if let data = try? encoder.encode(kept), data.count <= 20_000 { f["warnings"] = .text(String(decoding: data, as: UTF8.self)) }
        }
        f["raw"] = .text(fit(raw, 65_536))
        return f
    }

    static func customerInput(_ lead: ADFLead) -> CustomerInput {
        var input = customerInput(lead.contact)
        input.fields["occupation"] = lead.occupation.map { .text(fit($0, 256)) }
        input.fields["incomeRange"] = lead.incomeRange.map { .text(fit($0, 256)) }
        return input
    }

    static func customerInput(_ contact: ADFLead.Contact) -> CustomerInput {
        var fields: [String: FieldValue] = [
            "status": .text("Prospect"), "sourceType": .text("WebLead"),
            "contactType": .text(contact.businessName != nil ? "Business" : "Individual"),
        ]
        // Over-long values are cut to the field's limit (the lead's XML keeps them whole).
        fields["firstName"] = contact.firstName.map { .text(fit($0, 256)) }
        fields["lastName"] = contact.lastName.map { .text(fit($0, 256)) }
        fields["businessName"] = contact.businessName.map { .text(fit($0, 256)) }
        fields["email"] = contact.email.map(FieldValue.text)
        fields["preferredMethod"] = contact.preferredMethod.map(FieldValue.text)
        let phones = contact.phones.map { ChildInput(fields: ["type": $0.type.map(FieldValue.text) ?? .null, "number": .text($0.number)]) }
        var addresses: [ChildInput] = []
        if let a = contact.address {
            var f: [String: FieldValue] = [:]
            f["type"] = a.type.map(FieldValue.text)
            f["street"] = a.street.map { .text(fit($0, 256)) }
            f["city"] = a.city.map { .text(fit($0, 256)) }
            f["state"] = a.state.map { .text(fit($0, 256)) }
            f["postalCode"] = a.postalCode.map(FieldValue.text)
            f["country"] = a.country.map(FieldValue.text)
            addresses.append(ChildInput(fields: f))
        }
        return CustomerInput(fields: fields, phones: phones, addresses: addresses)
    }

    /// For a matched customer: set only fields that are empty there, add phones it lacks.
    /// - Returns: the writes, and notes naming the lead's values that differ from the customer's
    ///   (kept in the interaction, not written over the record).
    static func fillWrites(for lead: ADFLead, customer: RowID, _ tx: StoreTransaction) throws -> ([LocalWrite], [String]) {
        let contact = lead.contact
        let record = try tx.customers(ids: [customer]).first
        let known = Set(record?.phones.map { $0["number"] } ?? [])
        var fill: [String: FieldValue] = [:]
        var differing: [String] = []
        for (name, value) in customerInput(lead).fields.sorted(by: { $0.key < $1.key }) where !["status", "sourceType", "contactType"].contains(name) && value != .null {
            let stored = record?.customer[name] ?? .null
            if stored.isNull { fill[name] = value } else if stored != value, let text = value.textValue {
                differing.append("The lead gives \(name) \(text) (the customer's record keeps \(stored.textValue ?? "its value"))")
            }
        }
        if let address = contact.address {
            let line = [address.street, address.city, address.state, address.postalCode, address.country].compactMap { $0 }.joined(separator: ", ")
            let storedStreets = Set(record?.addresses.compactMap { $0["street"].textValue?.lowercased() } ?? [])
            if !line.isEmpty, let street = address.street, !storedStreets.contains(street.lowercased()), !(record?.addresses.isEmpty ?? true) {
                differing.append("The lead gives the address \(line) (not added to the customer's record)")
            }
        }
        var writes: [LocalWrite] = fill.isEmpty ? [] : [LocalWrite(.update, CRMSchema.customer, id: customer, values: fill)]
        for phone in contact.phones where !known.contains(.text(phone.number)) {
            writes.append(LocalWrite(.insert, CRMSchema.customerPhone, id: StableID.make("phone:\(customer):\(phone.number)"),
                                     values: ["customerId": .text(customer.string), "type": phone.type.map(FieldValue.text) ?? .null, "number": .text(phone.number)]))
        }
        // A customer without an address takes the lead's.
        if record?.addresses.isEmpty ?? true, let address = customerInput(contact).addresses?.first {
            writes.append(LocalWrite(.insert, CRMSchema.customerAddress, id: StableID.make("address:\(customer):\(lead.raw)"),
                                     values: address.fields.merging(["customerId": .text(customer.string)]) { _, new in new }))
        }
        return (writes, differing)
    }

    static func vehicleFields(_ v: ADFLead.Vehicle) -> [String: FieldValue] {
        var f: [String: FieldValue] = [:]
        f["vin"] = v.vin.map(FieldValue.text)
        f["year"] = v.year.map(FieldValue.integer)
        f["make"] = v.make.map { .text(fit($0, 256)) }
        f["model"] = v.model.map { .text(fit($0, 256)) }
        f["trim"] = v.trim.map { .text(fit($0, 256)) }
        f["condition"] = v.condition.map(FieldValue.text)
        f["exteriorColor"] = v.exteriorColor.map { .text(fit($0, 256)) }
        f["interiorColor"] = v.interiorColor.map { .text(fit($0, 256)) }
        f["odometer"] = v.odometer.map(FieldValue.integer)
        f["odometerUnits"] = v.odometerUnits.map(FieldValue.text)
        return f
    }

    static func interactionFields(_ lead: ADFLead, customer: RowID, relatedVehicle: RowID?, receivedAt: String) -> [String: FieldValue] {
        let wanted = lead.vehiclesOfInterest.map { "\($0.interest) \($0.title)" }
        let offered = lead.ownedVehicles.map { "\($0.interest) \($0.title)" }
        var subject = "ADF lead"
        if let first = wanted.first ?? offered.first { subject += ": \(first)" }
        if lead.status == "resend" { subject += " (resend)" }
        var content = lead.comments
        if wanted.count + offered.count > 1 { content.append("Vehicles: " + (wanted + offered).joined(separator: "; ")) }
        content += (lead.vehiclesOfInterest + lead.ownedVehicles).compactMap(\.comments)
        if let vendor = lead.vendorName { content.append("For: \(vendor)") }
        content += lead.notes
        if !lead.warnings.isEmpty {
            content.append("Not stored in typed fields (as sent):")
            content += lead.warnings.map { "\($0.path): \($0.value) — \($0.message)" }
        }
        var f: [String: FieldValue] = [
            "customerId": .text(customer.string), "type": .text("Web"), "direction": .text("Inbound"),
            "interactionDate": .text(lead.requestDate.isEmpty ? receivedAt : lead.requestDate), "subject": .text(fit(subject, 256)),
        ]
        f["channelId"] = (lead.providerName ?? lead.leadID?.split(separator: ":").first.map(String.init)).map { FieldValue.text(fit($0, 256)) }
        if !content.isEmpty {
            let text = content.joined(separator: "\n")
            // At most 20,000 characters; the lead record keeps the prospect's whole XML.
            f["content"] = .text(text.utf8.count <= 20_000 ? text : fit(text, 19_990) + " […]")
        }
        if let relatedVehicle {
            f["relatedToType"] = .text("Vehicle")
            f["relatedToId"] = .text(relatedVehicle.string)
        }
        return f
    }
}
