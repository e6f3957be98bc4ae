extension CRMSchema {
    /// A lead as it arrived (schema 7; `sync-protocol/lead-intake.md`): one ADF `<prospect>`, the
    /// customer and interaction it became, or why it was quarantined, with every warning and the
    /// prospect's XML, so nothing a provider sent is lost. A child of its customer (erasure and merges
    /// follow the customer); a quarantined lead has none. Its id derives from the lead, so importing
    /// one document twice writes one row. Fields merge as LWW registers.
    public static let lead = EntitySchema(table: "lead", fields: [
        FieldSpec("customerId", .uuid, since: 7, "the customer the lead was imported to or matched (null when quarantined)"),
        FieldSpec("interactionId", .uuid, since: 7, "the inbound Web interaction recording the lead"),
        FieldSpec("status", .enumeration(["Imported", "Quarantined"]), since: 7, "Quarantined: no name or no usable e-mail or phone; kept for review"),
        FieldSpec("receivedAt", .dateTime, since: 7, "when the lead reached this rooftop (the start of the lead response time)"),
        FieldSpec("receivedVia", .enumeration(["CLI", "HTTP", "DropFolder"]), since: 7, "how it arrived"),
        FieldSpec("requestDate", .dateTime, since: 7, "the provider's <requestdate>"),
        FieldSpec("provider", text, since: 7, "<provider><name>: who sent the lead"),
        FieldSpec("vendor", text, since: 7, "<vendor><vendorname>: the dealership it is for"),
        FieldSpec("providerLeadId", text, since: 7, "the prospect's <id>, as source:value"),
        FieldSpec("resend", .boolean, since: 7, "true for status=\"resend\""),
        FieldSpec("resendOfId", .uuid, since: 7, "the earlier lead a resend repeats (same providerLeadId)"),
        FieldSpec("warnings", longText, since: 7, "JSON array of {path, message, value}: values not stored in typed fields"),
        FieldSpec("reason", text, since: 7, "why it was quarantined"),
        FieldSpec("raw", .text(maxLength: 65_536), since: 7, "the <prospect> element's XML"),
        FieldSpec("homeRooftop", .text(maxLength: 63), system: true, since: 7),
        FieldSpec("createdAt", .dateTime, system: true, since: 7),
        FieldSpec("updatedAt", .dateTime, system: true, since: 7),
    ], parentField: "customerId", resource: EntityResource(
        path: "leads", name: "Lead", filters: ["customerId", "status", "receivedVia", "provider", "providerLeadId", "resend", "homeRooftop"],
        sorts: ["receivedAt", "createdAt", "updatedAt"], writable: false,
        summary: "Leads as they arrived (ADF): the customer and interaction each became, or why it was quarantined, with every warning and the prospect's XML. Written by POST /api/crm/leads/adf, rooftop import adf and the lead drop folder."),
        since: 7)
}
