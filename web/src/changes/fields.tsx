import { MultiSelect, TextInput, type TextInputProps } from "@mantine/core";
import { useMemo } from "react";
import { formatInZone, inputValueToIso, viewerZone, zoneAbbreviation } from "../protocol/zone.ts";
import { useTicketList } from "../tickets/queries.ts";
import { differsFromViewer } from "./time.ts";

/**
 * A date and time typed as wall-clock time in the protocol's zone (a `datetime-local` input, as
 * the protocol's what-if box does), with the same moment in the viewer's zone underneath when
 * their clock differs.
 */
export function ZonedDateTimeInput({
  zone,
  value,
  onChange,
  description,
  ...props
}: Omit<TextInputProps, "value" | "onChange" | "type"> & {
  zone: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const iso = inputValueToIso(value, zone);
  const local = viewerZone();
  const base = description ?? `${zone} time, the protocol's time zone.`;
  // The same moment in the viewer's zone is part of the description, so screen readers hear it
  // too (the input's aria-describedby names the description).
  const echo =
    iso && differsFromViewer(iso, zone)
      ? ` ${zoneAbbreviation(iso, zone)} is ${formatInZone(iso, local)} your time.`
      : "";
  return (
    <TextInput
      type="datetime-local"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      description={`${base}${echo}`}
      {...props}
    />
  );
}

/**
 * Tickets a change relates to, chosen from the relationship's newest tickets (and whatever the
 * change already names, so an edit keeps them).
 */
export function RelatedTicketsInput({
  relationshipId,
  value,
  onChange,
  known = [],
  error,
}: {
  relationshipId: string;
  value: string[];
  onChange: (ids: string[]) => void;
  known?: { id: string; number: number; title: string }[];
  error?: string;
}) {
  const tickets = useTicketList(relationshipId, {});
  const data = useMemo(() => {
    const options = new Map<string, string>();
    for (const t of known) options.set(t.id, `#${t.number} ${t.title}`);
    for (const page of tickets.data?.pages ?? [])
      for (const t of page.items) options.set(t.id, `#${t.number} ${t.title}`);
    return [...options].map(([value, label]) => ({ value, label }));
  }, [tickets.data, known]);
  return (
    <MultiSelect
      label="Related tickets"
      description="Optional: the tickets this change answers or might affect."
      placeholder={value.length ? undefined : "Search by title or number"}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      clearable
      maxValues={50}
      nothingFoundMessage={tickets.isPending ? "Loading tickets…" : "No ticket matches"}
      error={error}
    />
  );
}
