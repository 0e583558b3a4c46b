import * as vscode from 'vscode';

export interface ItemSnapshot {
  label: string;
  description?: string;
  contextValue?: string;
  icon?: string;
  tooltip?: string;
  children: ItemSnapshot[];
}

/** What a tree provider renders, recursively, as plain data (for integration tests). */
export async function snapshot<T>(provider: vscode.TreeDataProvider<T>, element?: T): Promise<ItemSnapshot[]> {
  const children = (await provider.getChildren(element)) ?? [];
  return Promise.all(
    children.map(async (child) => {
      const item = await provider.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value;
      return {
        label,
        ...(typeof item.description === 'string' ? { description: item.description } : {}),
        ...(item.contextValue ? { contextValue: item.contextValue } : {}),
        ...(item.iconPath instanceof vscode.ThemeIcon ? { icon: item.iconPath.id } : {}),
        ...(tooltip ? { tooltip } : {}),
        children: item.collapsibleState === vscode.TreeItemCollapsibleState.None ? [] : await snapshot(provider, child),
      };
    }),
  );
}
