/** What every taggable resource is labelled with, so cost reports and the console can find the stack. */
export interface TagSetInput {
  project: string;
  stack: string;
  owner: string;
}

export type Tags = Readonly<Record<string, string>>;

/** The tag set every taggable resource of the stack carries. */
export function tagSet({ project, stack, owner }: TagSetInput): Tags {
  return { project, stack, "managed-by": "pulumi", owner };
}

/** The tag set plus the `Name` tag the EC2 console shows in its first column. */
export function withName(tags: Tags, name: string): Tags {
  return { ...tags, Name: name };
}
