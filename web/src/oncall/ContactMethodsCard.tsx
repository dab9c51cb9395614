import { Alert, Badge, Button, Card, Group, PinInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconMailForward, IconTrash } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { ApiError } from "../api/problem.ts";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { Loading } from "../ui/Loading.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { TimeStamp } from "../ui/time.tsx";
import {
  useAddContactMethod,
  useContactMethods,
  useRemoveContactMethod,
  useResendContactCode,
  useVerifyContactMethod,
} from "./queries.ts";
import type { ContactMethod } from "./types.ts";

/** The server keeps at most this many extra addresses per person. */
const MAX_EXTRA = 5;

/**
 * "Where you are paged", on the account page: the account email, and extra addresses (a pager, an
 * email-to-SMS gateway) that are paged once confirmed with the six-digit code sent to them. A page
 * goes to every working address at once, whatever the notification settings say.
 */
export function ContactMethodsCard() {
  const methods = useContactMethods();
  const data = methods.data;
  const confirmed = data?.methods.filter((m) => m.verified) ?? [];
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="paged-title">
      <Stack gap="md">
        <div>
          <Title order={2} fz="h4" id="paged-title">
            Where you are paged
          </Title>
          <Text size="sm" c="dimmed">
            When you are on call and an emergency is declared, a page goes to every address here at once —
            whatever your notification settings say. Add a pager or an email-to-SMS address so it reaches your
            phone; it is used once you confirm it with the code sent to it.
          </Text>
        </div>
        {methods.isPending ? (
          <Loading label="Loading your addresses…" />
        ) : methods.isError ? (
          <ProblemAlert error={methods.error} title="Could not load where you are paged" />
        ) : (
          <>
            <Stack gap="xs" component="ul" className="plain-list" aria-label="Your addresses">
              <Card component="li" withBorder padding="sm" radius="md">
                <Group justify="space-between" gap="xs" wrap="wrap">
                  <div style={{ minWidth: 0, flex: "1 1 14rem" }}>
                    <Text size="sm" fw={600} style={{ overflowWrap: "anywhere" }}>
                      {data!.account.address}
                    </Text>
                    <Text size="xs" c="dimmed">
                      Your account email
                    </Text>
                  </div>
                  {data!.account.failing ? (
                    <Badge color="red" variant="light" tt="none">
                      Not delivering
                    </Badge>
                  ) : (
                    <Badge color="teal" variant="light" tt="none">
                      Paged
                    </Badge>
                  )}
                </Group>
                {data!.account.failing ? (
                  <Alert
                    color="red"
                    variant="light"
                    mt="xs"
                    icon={<IconAlertTriangle size={18} aria-hidden />}
                    title="The last email to this address could not be delivered"
                  >
                    <Text size="sm">
                      {confirmed.length
                        ? "Until an email gets through again, you are paged only at your confirmed addresses below."
                        : "Until an email gets through again, a page would not reach you. Add and confirm another address below, and ask your administrator to check this one."}
                    </Text>
                  </Alert>
                ) : null}
              </Card>
              {data!.methods.map((m) => (
                <MethodRow key={m.id} method={m} />
              ))}
            </Stack>
            {data!.methods.length < MAX_EXTRA ? (
              <AddMethodForm />
            ) : (
              <Text size="sm" c="dimmed">
                You have {MAX_EXTRA} extra addresses, the most there can be; remove one to add another.
              </Text>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}

function MethodRow({ method: m }: { method: ContactMethod }) {
  const verify = useVerifyContactMethod();
  const resend = useResendContactCode();
  const remove = useRemoveContactMethod();
  const [code, setCode] = useState("");
  const [missing, setMissing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const verifyError = verify.error instanceof ApiError ? verify.error : null;
  const codeError = (missing ? "Enter the six digits." : undefined) ?? verifyError?.fieldError("code");

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code)) return setMissing(true);
    setMissing(false);
    verify.mutate(
      { methodId: m.id, code },
      {
        onSuccess: () =>
          notifications.show({ color: "teal", message: `${m.address} is confirmed: you are paged there.` }),
      },
    );
  };

  return (
    <Card component="li" withBorder padding="sm" radius="md">
      <Stack gap="xs">
        <Group justify="space-between" gap="xs" wrap="wrap">
          <div style={{ minWidth: 0, flex: "1 1 14rem" }}>
            <Text size="sm" fw={600} style={{ overflowWrap: "anywhere" }}>
              {m.address}
            </Text>
            <Text size="xs" c="dimmed" component="div">
              {m.label}
              {m.verifiedAt ? (
                <>
                  {" · confirmed "}
                  <TimeStamp iso={m.verifiedAt} mode="relative" size="xs" />
                </>
              ) : (
                <>
                  {" · added "}
                  <TimeStamp iso={m.createdAt} mode="relative" size="xs" />
                </>
              )}
            </Text>
          </div>
          <Group gap="xs" wrap="nowrap">
            {m.verified ? (
              <Badge color="teal" variant="light" tt="none">
                Confirmed
              </Badge>
            ) : (
              <Badge color="yellow" variant="light" tt="none">
                Waiting for code
              </Badge>
            )}
            <Button
              variant="subtle"
              color="red"
              size="compact-sm"
              leftSection={<IconTrash size={14} aria-hidden />}
              onClick={() => setRemoving(true)}
              aria-label={`Remove ${m.address}`}
            >
              Remove
            </Button>
          </Group>
        </Group>
        {m.verified ? null : (
          <form onSubmit={confirm} noValidate aria-label={`Confirm ${m.address}`}>
            <Stack gap={6}>
              <Text size="sm" id={`code-${m.id}`}>
                Enter the six-digit code sent to {m.address} (it is valid for 30 minutes):
              </Text>
              <Group gap="xs" wrap="wrap" align="center">
                <PinInput
                  length={6}
                  type="number"
                  oneTimeCode
                  size="sm"
                  value={code}
                  onChange={setCode}
                  error={Boolean(codeError)}
                  aria-labelledby={`code-${m.id}`}
                  getInputProps={(index) => ({ "aria-label": `Digit ${index + 1} of the code` })}
                />
                <Button type="submit" size="sm" loading={verify.isPending}>
                  Confirm
                </Button>
                <Button
                  variant="subtle"
                  size="sm"
                  leftSection={<IconMailForward size={16} aria-hidden />}
                  loading={resend.isPending}
                  onClick={() =>
                    resend.mutate(m.id, {
                      onSuccess: () => {
                        setCode("");
                        verify.reset();
                        notifications.show({
                          color: "teal",
                          message: `A new code is on its way to ${m.address}.`,
                        });
                      },
                    })
                  }
                >
                  Send a new code
                </Button>
              </Group>
              {codeError ? (
                <Text size="sm" c="red" role="alert">
                  {codeError}
                </Text>
              ) : null}
              {verify.error && !codeError ? (
                <ProblemAlert error={verify.error} title="Not confirmed" />
              ) : null}
              {resend.error ? <ProblemAlert error={resend.error} title="No new code was sent" /> : null}
            </Stack>
          </form>
        )}
      </Stack>
      <ConfirmModal
        opened={removing}
        title={`Remove ${m.address}?`}
        confirmLabel="Remove"
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          setRemoving(false);
          remove.reset();
        }}
        onConfirm={() =>
          remove.mutate(m.id, {
            onSuccess: () => notifications.show({ color: "teal", message: `${m.address} removed.` }),
          })
        }
      >
        You will no longer be paged at this address.
      </ConfirmModal>
    </Card>
  );
}

function AddMethodForm() {
  const add = useAddContactMethod();
  const [address, setAddress] = useState("");
  const [label, setLabel] = useState("");
  const [missing, setMissing] = useState(false);
  const serverError = add.error instanceof ApiError ? add.error : null;
  const addressError =
    (missing && !address.trim() ? "Enter the address to be paged at." : undefined) ??
    serverError?.fieldError("address");
  const labelError = serverError?.fieldError("label");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!address.trim()) return setMissing(true);
    setMissing(false);
    add.mutate(
      { address: address.trim(), ...(label.trim() ? { label: label.trim() } : {}) },
      {
        onSuccess: (m) => {
          setAddress("");
          setLabel("");
          notifications.show({
            color: "teal",
            message: `A six-digit code was sent to ${m.address}; enter it to confirm.`,
          });
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Add an address">
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          Add an address
        </Text>
        <Group gap="xs" align="flex-start" wrap="wrap">
          <TextInput
            label="Address"
            type="email"
            placeholder="5551234567@sms.example.net"
            description="A pager, or your mobile operator's email-to-SMS address."
            value={address}
            onChange={(e) => setAddress(e.currentTarget.value)}
            error={addressError}
            style={{ flex: "2 1 16rem", minWidth: 0 }}
          />
          <TextInput
            label="Label"
            placeholder="Pager"
            description="Optional, e.g. “Phone (SMS)”."
            maxLength={60}
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
            error={labelError}
            style={{ flex: "1 1 10rem", minWidth: 0 }}
          />
        </Group>
        {add.error && !addressError && !labelError ? (
          <ProblemAlert error={add.error} title="The address was not added" />
        ) : null}
        <Group>
          <Button
            type="submit"
            loading={add.isPending}
            leftSection={<IconMailForward size={16} aria-hidden />}
          >
            Add and send a code
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
