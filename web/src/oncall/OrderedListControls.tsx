import { ActionIcon, Tooltip } from "@mantine/core";
import { type Icon, IconArrowDown, IconArrowUp, IconTrash } from "@tabler/icons-react";

/** The list with the item at `from` moved to `to` (the same list when `to` is off either end). */
export function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

/**
 * The buttons of one row of an ordered list a form edits: move it earlier, later, or remove it.
 * Each hands back the whole list as it would be after.
 */
export function OrderedRowButtons<T>({
  list,
  index,
  name,
  removeLabel = `Remove ${name}`,
  removeIcon: RemoveIcon = IconTrash,
  onChange,
}: {
  list: T[];
  index: number;
  /** How the buttons' labels name the row: "Move {name} earlier". */
  name: string;
  removeLabel?: string;
  removeIcon?: Icon;
  onChange: (next: T[]) => void;
}) {
  return (
    <>
      <Tooltip label="Earlier" withArrow>
        <ActionIcon
          variant="subtle"
          color="gray"
          disabled={index === 0}
          aria-label={`Move ${name} earlier`}
          onClick={() => onChange(move(list, index, index - 1))}
        >
          <IconArrowUp size={16} aria-hidden />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Later" withArrow>
        <ActionIcon
          variant="subtle"
          color="gray"
          disabled={index === list.length - 1}
          aria-label={`Move ${name} later`}
          onClick={() => onChange(move(list, index, index + 1))}
        >
          <IconArrowDown size={16} aria-hidden />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Remove" withArrow>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={removeLabel}
          onClick={() => onChange(list.filter((_, j) => j !== index))}
        >
          <RemoveIcon size={16} aria-hidden />
        </ActionIcon>
      </Tooltip>
    </>
  );
}
