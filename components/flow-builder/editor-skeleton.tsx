import { Skeleton } from "@/components/ui/skeleton";

export function EditorSkeleton() {
  return (
    <div className="flex h-[calc(100dvh-3.5rem)] flex-col">
      <div className="flex h-14 items-center gap-3 border-b px-3">
        <Skeleton className="h-6 w-48" />
        <Skeleton className="h-5 w-16" />
        <Skeleton className="ml-auto h-8 w-64" />
      </div>
      <div className="flex flex-1">
        <div className="w-64 border-r p-3">
          <Skeleton className="h-8 w-full" />
        </div>
        <div className="flex-1 bg-muted/30" />
      </div>
    </div>
  );
}
